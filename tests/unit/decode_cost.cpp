// What decoding an inbox message costs (InboundDecoder::decode: the bounded parse, the
// envelope's and the data's schemas, the canonical form, the signature, the input hash, the
// sealed passcodes), whole and by part, on three typical messages: a
// terms.accept, a connector's task.result with outputs, a passcode.set with its two sealed
// boxes. Prints only (CPU µs per operation): run it on the release or bench build
// (`build/bench/tests/unit/decode_cost`); the dev build's sanitizers multiply the figures.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "adapters/codec/bounded_json.hpp"
#include "adapters/codec/canonical_event.hpp"
#include "adapters/codec/envelope.hpp"
#include "adapters/codec/inbound_decoder.hpp"
#include "adapters/trust/signer.hpp"
#include "tests/unit/cpu_cost.hpp"
#include "tests/unit/test_trust.hpp"
#include "workflows/crypto/hashing.hpp"
#include "workflows/crypto/sealed_box.hpp"

namespace {

using namespace enroll;
using enroll::testing::micros_per;
using json = nlohmann::json;

struct Sample {
  const char* name;
  std::string payload;
};

std::vector<Sample> samples(const crypto::SealKeyPair& keys) {
  const auto& app = enroll::testing::test_signer("channel-app");
  const auto& registry = enroll::testing::test_signer("connector-registry");
  const std::string reg = "reg-5f3a9c7e1b2d4c6a";
  std::vector<Sample> out;
  out.push_back(
      {"terms.accept", codec::inbox_envelope({"ev-terms-1", "/channel-app", "terms.accept", reg},
                                             {{"terms_version", "2026-01"}}, app)
                           .dump()});
  out.push_back({"task.result", codec::inbox_envelope({"res-7f3e2a91c4d84b0f",
                                                       "/connector-registry", "task.result", reg},
                                                      {{"request_id", reg + "/face.match/0.1"},
                                                       {"task", "face.match"},
                                                       {"status", "ok"},
                                                       {"outputs", {{"score", 0.9731}}}},
                                                      registry)
                                    .dump()});
  const auto& pk = keys.pub;
  out.push_back({"passcode.set",
                 codec::inbox_envelope(
                     {"ev-pass-1", "/channel-app", "passcode.set", reg},
                     {{"sealed", crypto::seal_passcode(reg, "set-passcode", "482915", pk)},
                      {"sealed_repeat", crypto::seal_passcode(reg, "set-passcode", "482915", pk)}},
                     app)
                     .dump()});
  return out;
}

}  // namespace

int main() {
  const codec::SchemaSet schemas;
  const auto keys = crypto::generate_seal_keypair();
  const codec::InboundDecoder decoder(schemas, crypto::seal_keys_of(keys),
                                      enroll::testing::test_verifier());
  const auto* envelope_schema = schemas.find("cloudevent.schema.json");
  std::printf("CPU us per operation (one thread)\n");
  std::printf("%-14s %6s %8s %8s %8s %9s %8s %8s %8s\n", "message", "bytes", "decode", "parse",
              "envelope", "canonical", "verify", "input#", "rest");
  for (const auto& s : samples(keys)) {
    const std::string key = "reg-5f3a9c7e1b2d4c6a";
    const auto first = decoder.decode(s.payload, key, enroll::testing::kSignedAt);
    if (const auto* e = std::get_if<codec::DecodeError>(&first)) {
      std::printf("%s: refused: %s\n", s.name, e->message.c_str());
      return 1;
    }
    const int n = 5000;
    const double whole =
        micros_per(n, [&] { (void)decoder.decode(s.payload, key, enroll::testing::kSignedAt); });
    rapidjson::Document doc;
    const double parse = micros_per(n, [&] { (void)codec::parse_bounded(s.payload, doc); });
    const double envelope = micros_per(n, [&] { (void)codec::validate(*envelope_schema, doc); });
    codec::CanonicalEvent canonical;
    const double canon =
        micros_per(n, [&] { canonical = codec::canonical_event(doc, trust::kSignatureAttribute); });
    const auto text = [&](const char* name) {
      const auto& v = doc[name];
      return std::optional<std::string_view>(std::string_view(v.GetString(), v.GetStringLength()));
    };
    const trust::SignedEvent signed_event{text(trust::kKeyIdAttribute),
                                          text(trust::kSignatureAttribute),
                                          text("time"),
                                          canonical.unsigned_form,
                                          {}};
    const double verify = micros_per(n, [&] {
      (void)enroll::testing::test_verifier().verify(signed_event, enroll::testing::kSignedAt);
    });
    const double input = micros_per(n, [&] { (void)crypto::sha256_hex(canonical.whole); });
    std::printf("%-14s %6zu %8.2f %8.2f %8.2f %9.2f %8.2f %8.2f %8.2f\n", s.name, s.payload.size(),
                whole, parse, envelope, canon, verify, input,
                whole - parse - envelope - canon - verify - input);
  }
  std::printf("rest: the data's schema, the typed fields, the sealed boxes (passcode.set)\n");
  return 0;
}
