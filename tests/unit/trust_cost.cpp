// What verifying an inbox message costs, per message, for an HMAC-SHA256 key and an Ed25519
// key, on a typical inbox event (a task result with its outputs), canonicalisation included.
// Prints only (CPU µs per operation): run it on the release build
// (`build/release/tests/unit/trust_cost`); the dev build's sanitizers multiply the figures.
#include <chrono>
#include <cstdio>

#include "adapters/trust/provisioning.hpp"
#include "adapters/trust/signer.hpp"
#include "adapters/trust/verifier.hpp"
#include "tests/unit/cpu_cost.hpp"
#include "workflows/crypto/canonical_json.hpp"

namespace {

using namespace enroll;
using testing::micros_per;
using json = nlohmann::json;

// ~600 bytes, as a connector's task.result on the inbox.
json typical_event(Timestamp at) {
  return json{{"specversion", "1.0"},
              {"id", "res-7f3e2a91c4d84b0f"},
              {"source", "connector-capture/face-matcher-2"},
              {"type", "task.result"},
              {"subject", "reg-5f3a9c7e1b2d4c6a"},
              {"time", to_rfc3339(at)},
              {"datacontenttype", "application/json"},
              {"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
              {"data",
               {{"request_id", "k3J9c2VjcmV0LXJlcXVlc3QtaWQ"},
                {"task", "face.match"},
                {"status", "ok"},
                {"outputs",
                 {{"score", 0.9731},
                  {"model", "facenet-v3.2"},
                  {"reference", "registry://photos/1103700012345/2021"},
                  {"probe", "s3://captures/reg-5f3a9c7e1b2d4c6a/selfie-2.jpg"}}}}}};
}

}  // namespace

int main() {
  const Timestamp now = trust::system_now();
  trust::TrustFile t;
  std::vector<trust::SigningKey> macs;
  std::vector<std::pair<trust::Alg, trust::SigningKey>> keys;
  for (auto alg : {trust::Alg::hmac_sha256, trust::Alg::ed25519}) {
    const std::string name = alg == trust::Alg::ed25519 ? "officer-console" : "connector-capture";
    Principal p;
    p.name = PrincipalName(name);
    p.role = Role::connector;
    p.tasks = {"face.match"};
    t.principals.push_back(p);
    trust::NewKey k =
        trust::generate_key(trust::KeyId(name + "-1"), p.name, alg, now - std::chrono::hours(1));
    t.keys.push_back(k.key);
    keys.emplace_back(alg, trust::SigningKey(k.key, SecretString(std::string(k.secret.view()))));
    if (alg == trust::Alg::hmac_sha256) macs.emplace_back(k.key, std::move(k.secret));
  }
  const trust::Verifier verifier(t, std::move(macs));
  const json plain = typical_event(now);
  std::printf("event: %zu bytes of JSON, %zu canonical\n", plain.dump().size(),
              crypto::canonical_json(plain).size());
  std::printf("canonical form (RFC 8785)   %8.2f us\n",
              micros_per(200000, [&] { (void)crypto::canonical_json(plain); }));
  for (auto& [alg, first_key] : keys) {
    std::vector<trust::SigningKey> mine;
    mine.push_back(std::move(first_key));
    const PrincipalName who = mine.front().key().principal;
    const trust::Signer signer(who, std::move(mine), [now] { return now; });
    json e = plain;
    signer.sign(e);
    const int n = alg == trust::Alg::ed25519 ? 20000 : 200000;
    json copy = plain;
    const double sign = micros_per(n, [&] { signer.sign(copy); });  // signs again in place
    int ok = 0;
    const double verify = micros_per(
        n, [&] { ok += std::holds_alternative<Principal>(verifier.verify(e, now)) ? 1 : 0; });
    // The primitive alone, over the same canonical bytes (what the rest costs is the JSON).
    const std::string bytes = crypto::canonical_json(e, trust::kSignatureAttribute);
    const trust::SigningKey& key = signer.current_key(now);
    const double primitive = micros_per(n, [&] { (void)key.sign(bytes); });
    std::printf(
        "%-12s sign %6.2f us   verify %6.2f us   (%s of %zu bytes alone: %6.2f us; %d of %d "
        "verified)\n",
        std::string(trust::alg_name(alg)).c_str(), sign, verify,
        alg == trust::Alg::ed25519 ? "signing" : "the MAC", bytes.size(), primitive, ok, n);
  }
  return 0;
}
