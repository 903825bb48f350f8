// What writing an audit record's outputs costs, the tree way (before issue 16's text writers:
// nlohmann trees, dumped) against the text way (audit_canonical, envelope_text), side by side
// in one run: its hash, its enroll.audit message; and an outbox value's sealing, as text
// (seal: base64url) against bytes (seal_binary, the outbox's form since). Prints only (CPU
// µs per operation): run it on the release or bench build (`build/bench/tests/unit/
// encode_cost`); the dev build's sanitizers multiply the figures.
#include <cstdio>
#include <exception>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "adapters/codec/envelope.hpp"
#include "tests/unit/cpu_cost.hpp"
#include "workflows/crypto/field_cipher.hpp"
#include "workflows/effects.hpp"

namespace {

int run() {
  using namespace enroll;
  using testing::micros_per;
  // A task result's record late in a journey: an actor, the decisive inputs of a face match.
  AuditRecord r;
  r.registration_id = RegistrationId("reg-5f3a9c7e1b2d4c6a");
  r.seq = 9;
  r.at = *from_rfc3339("2026-12-04T10:00:00.123Z");
  r.actor = {"connector-biometrics", "connector", "biometrics-1", "", ""};
  r.cause = EventId("res-7f3e2a91c4d84b0f");
  r.from = "biometrics/face-match";
  r.to = "passcode/set-passcode";
  r.phase = "passcode";
  r.step = "set-passcode";
  r.outcome = "advanced";
  r.input_sha256 = std::string(64, 'a');
  r.inputs = {{"event", "task.result"},
              {"task", "face.match"},
              {"status", "ok"},
              {"score", 0.9731},
              {"min_score", 0.8}};
  r.prev_hash = std::string(64, 'b');
  r.hash = audit_hash(r);
  const codec::EnvelopeHead head{"reg-5f3a9c7e1b2d4c6a/res-7f3e2a91c4d84b0f/2",
                                 "/enrollmentd",
                                 "audit.record",
                                 "reg-5f3a9c7e1b2d4c6a",
                                 r.at,
                                 "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"};
  const int n = 50000;
  std::printf("%-36s %8s %8s\n", "CPU us per operation", "tree", "text");
  std::printf("%-36s %8.2f %8.2f\n", "audit record's hash",
              micros_per(n, [&] { (void)audit_hash_of(audit_to_json(r, false)); }),
              micros_per(n, [&] { (void)audit_hash(r); }));
  std::printf("%-36s %8.2f %8.2f\n", "its enroll.audit message",
              micros_per(n, [&] { (void)codec::envelope(head, audit_to_json(r, true)).dump(); }),
              micros_per(n, [&] { (void)codec::envelope_text(head, audit_canonical(r, true)); }));
  const std::vector<unsigned char> key(crypto::kFieldKeyBytes, 0xA5);
  const crypto::FieldCipher cipher({crypto::FieldKey{"field-1", key}});
  const std::string message(880, 'm');  // a task request's size
  std::printf("%-36s %8s %8s\n", "", "text", "bytes");
  std::printf(
      "%-36s %8.2f %8.2f\n", "an outbox value sealed (880 bytes)",
      micros_per(n, [&] { (void)cipher.seal(message, "outbox/enroll.tasks/reg-1"); }),
      micros_per(n, [&] { (void)cipher.seal_binary(message, "outbox/enroll.tasks/reg-1"); }));
  return 0;
}

}  // namespace

int main() {
  try {
    return run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "encode_cost: %s\n", e.what());
    return 1;
  }
}
