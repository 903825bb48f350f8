// A channel back-end's check of enrollmentd's answer to GET /v1/keys/passcode
// (adapters/service_client/published_seal_key_fetch.hpp): the key of a 200 whose body
// verifies, and a one-line refusal naming the reason for an error status, a body that is not
// JSON, and a body that does not verify.
#include <gtest/gtest.h>
#include <sodium.h>

#include <nlohmann/json.hpp>

#include "adapters/service_client/published_seal_key_fetch.hpp"
#include "errors/errc.hpp"
#include "workflows/crypto/base64.hpp"

namespace enroll::client {
namespace {

class SealKeyAnswer : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_GE(sodium_init(), 0);
    crypto_sign_keypair(publisher_.data(), publisher_secret_.data());
    randombytes_buf(key_.bytes.data(), key_.bytes.size());
    trusted_["seal_publisher-1"] = publisher_;
  }
  [[nodiscard]] std::string body() const {
    return crypto::publish_seal_key("passcode_seal-2", key_, "seal_publisher-1", publisher_secret_)
        .dump();
  }
  void expect_refused(const ServiceResponse& answer, const std::string& why) const {
    try {
      seal_key_from_answer(answer, trusted_);
      ADD_FAILURE() << "accepted: " << answer.body;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), Errc::bad_signature);
      EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
    }
  }

  crypto::PublisherKey publisher_{};
  std::array<unsigned char, crypto_sign_SECRETKEYBYTES> publisher_secret_{};
  crypto::SealPublicKey key_{};
  crypto::PublisherKeys trusted_;
};

TEST_F(SealKeyAnswer, TheKeyOfAVerifiedAnswerWithItsIdAndSigner) {
  const auto fetched = seal_key_from_answer({200, body()}, trusted_);
  EXPECT_EQ(fetched.key.bytes, key_.bytes);
  EXPECT_EQ(fetched.key_id, "passcode_seal-2");
  EXPECT_EQ(fetched.signed_by, "seal_publisher-1");
}

TEST_F(SealKeyAnswer, AnErrorStatusIsRefusedWithItsCodeOnOneLine) {
  expect_refused({503, R"({"error":{"code":"not_ready","message":"starting\nup"}})"},
                 "enrollmentd answered 503 not_ready: starting up");
  expect_refused({404, "<html>\nnot here</html>"}, "answered 404: <html> not here");
  // A signed body under another status is not taken either.
  expect_refused({500, body()}, "answered 500");
}

TEST_F(SealKeyAnswer, ABodyThatIsNotAJsonObjectIsRefused) {
  expect_refused({200, "not json"}, "not a JSON object");
  expect_refused({200, "[1,2]"}, "not a JSON object");
  expect_refused({200, ""}, "not a JSON object");
}

TEST_F(SealKeyAnswer, ABodyThatDoesNotVerifyIsRefused) {
  auto swapped = nlohmann::json::parse(body());
  crypto::SealPublicKey other{};
  randombytes_buf(other.bytes.data(), other.bytes.size());
  swapped["public_key"] = crypto::to_base64(other.bytes);
  expect_refused({200, swapped.dump()}, "does not verify");

  auto unsigned_body = nlohmann::json::parse(body());
  unsigned_body.erase("signature");
  expect_refused({200, unsigned_body.dump()}, "no \"signature\"");

  crypto::PublisherKeys other_publisher;
  crypto::PublisherKey pk{};
  std::array<unsigned char, crypto_sign_SECRETKEYBYTES> sk{};
  crypto_sign_keypair(pk.data(), sk.data());
  other_publisher["seal_publisher-1"] = pk;
  EXPECT_THROW(seal_key_from_answer({200, body()}, other_publisher), Error);
}

}  // namespace
}  // namespace enroll::client
