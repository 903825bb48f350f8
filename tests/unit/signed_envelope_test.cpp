// The one builder of inbox messages signs them; the test vector of the README's contract
// section (a fixed key, a fixed event -> the exact canonical bytes and signature). The
// vectors were computed independently (Python: json.dumps(sort_keys=True, separators=(",",
// ":")) is RFC 8785 for this ASCII-only event; hmac/hashlib; cryptography's Ed25519).
#include <gtest/gtest.h>

#include "adapters/codec/envelope.hpp"
#include "adapters/trust/verifier.hpp"
#include "workflows/crypto/base64.hpp"
#include "workflows/crypto/canonical_json.hpp"

namespace enroll::codec {
namespace {

using json = nlohmann::json;
using trust::Alg;

const Timestamp kTime = *from_rfc3339("2026-12-03T10:00:00Z");

SecretString secret_of(std::string_view base64) {
  const auto bytes = crypto::from_base64(base64);
  return SecretString(std::string(bytes->begin(), bytes->end()));
}

trust::TrustedKey key(const char* id, const char* principal, Alg alg) {
  trust::TrustedKey k;
  k.id = trust::KeyId(id);
  k.principal = PrincipalName(principal);
  k.alg = alg;
  k.not_before = *from_rfc3339("2026-12-01T00:00:00Z");
  return k;
}

// The HMAC key: the 32 bytes 00 01 .. 1f.
trust::SigningKey hmac_key() {
  return {key("channel-app-1", "channel-app", Alg::hmac_sha256),
          secret_of("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")};
}

// The Ed25519 key: RFC 8032's test 1 (seed 9d61b19d...7f60, public key d75a9801...511a).
trust::SigningKey ed25519_key() {
  auto k = key("officer-console-1", "officer-console", Alg::ed25519);
  const auto pk = crypto::from_base64("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
  std::copy(pk->begin(), pk->end(), k.public_key.begin());
  return {k,
          secret_of("nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2DXWpgBgrEKt9VL/tPJZAc6DuFy89qmIyWvA"
                    "hpo9wdRGg==")};
}

json vector_event(trust::SigningKey k, const char* principal) {
  std::vector<trust::SigningKey> keys;
  keys.push_back(std::move(k));
  const trust::Signer signer(PrincipalName(principal), std::move(keys), [] { return kTime; });
  return inbox_envelope(
      {.id = "cmd-0001", .source = "channel-app", .type = "terms.accept", .subject = "reg-0001"},
      json{{"terms_version", "2026-11"}}, signer);
}

TEST(SignedEnvelopeTest, HmacTestVector) {
  const json e = vector_event(hmac_key(), "channel-app");
  EXPECT_EQ(crypto::canonical_json(e, "signature"),
            R"({"data":{"terms_version":"2026-11"},"datacontenttype":"application/json",)"
            R"("id":"cmd-0001","keyid":"channel-app-1","source":"channel-app","specversion":"1.0",)"
            R"("subject":"reg-0001","time":"2026-12-03T10:00:00.000Z","type":"terms.accept"})");
  EXPECT_EQ(e.at("signature"), "ntuxTvOWEVSg9Js0-5u-wlGLWAvP5sD9N3MrO4Jciko");
}

TEST(SignedEnvelopeTest, Ed25519TestVector) {
  const json e = vector_event(ed25519_key(), "officer-console");
  EXPECT_EQ(crypto::canonical_json(e, "signature"),
            R"({"data":{"terms_version":"2026-11"},"datacontenttype":"application/json",)"
            R"("id":"cmd-0001","keyid":"officer-console-1","source":"channel-app",)"
            R"("specversion":"1.0","subject":"reg-0001","time":"2026-12-03T10:00:00.000Z",)"
            R"("type":"terms.accept"})");
  EXPECT_EQ(e.at("signature"),
            "L1nnU4r7Q2wu43f6FlqmamQHcQKoc28HbyXZ4zgG2fScDdpUq2rE0OSQWX_ELXW6jIcIOx48uiICkGa_"
            "sNArAA");
}

TEST(SignedEnvelopeTest, KeepsAGivenTimeAndVerifies) {
  std::vector<trust::SigningKey> keys;
  keys.push_back(hmac_key());
  const trust::Signer signer(PrincipalName("channel-app"), std::move(keys),
                             [] { return kTime + std::chrono::hours(1); });
  const json e = inbox_envelope({.id = "x",
                                 .source = "s",
                                 .type = "terms.accept",
                                 .subject = "r",
                                 .time = kTime,
                                 .traceparent = "00-aa-bb-01"},
                                json{{"terms_version", "1"}}, signer);
  EXPECT_EQ(e.at("time"), "2026-12-03T10:00:00.000Z");
  EXPECT_EQ(e.at("traceparent"), "00-aa-bb-01");
  trust::TrustFile t;
  Principal app;
  app.name = PrincipalName("channel-app");
  app.role = Role::channel;
  app.channels = {"self-service"};
  t.principals.push_back(app);
  t.keys.push_back(hmac_key().key());
  std::vector<trust::SigningKey> macs;
  macs.push_back(hmac_key());
  const trust::Verifier v(t, std::move(macs));
  EXPECT_TRUE(std::holds_alternative<Principal>(v.verify(e, kTime)));
}

// The outbound path writes envelopes as text: the same bytes as the tree's dump, with or
// without time and traceparent, and text that needs escaping.
TEST(EnvelopeTextTest, SameBytesAsTheTreesDump) {
  const json data{{"b", {1, 2.5, "\u0e44\u0e17\u0e22"}}, {"a", "x\"y\\z\n\x1f"}};
  EnvelopeHead head{"reg-1/evt-1/0", "/enrollmentd", "registration.advanced",
                    "reg-\x7f"
                    "1"};
  EXPECT_EQ(envelope_text(head, data.dump()), envelope(head, data).dump());
  head.time = kTime;
  EXPECT_EQ(envelope_text(head, data.dump()), envelope(head, data).dump());
  head.traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  EXPECT_EQ(envelope_text(head, data.dump()), envelope(head, data).dump());
  EXPECT_EQ(envelope_text(head, "{}"), envelope(head, json::object()).dump());
  head.id = "bad-\xc3";  // a cut UTF-8 sequence is refused, as dump() refuses it
  EXPECT_THROW((void)envelope_text(head, "{}"), crypto::CanonicalJsonError);
}

}  // namespace
}  // namespace enroll::codec
