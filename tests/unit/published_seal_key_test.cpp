// The passcode sealing key as published (GET /v1/keys/passcode): signed by a seal_publisher
// key of the key folder, verified by a channel back-end against the .pub it was given; a key
// swapped by a man in the middle, an unsigned key, another publisher's signature and a
// malformed body are refused with one line.
#include "workflows/crypto/published_seal_key.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "adapters/keys/keys.hpp"
#include "adapters/keys/seal_publisher.hpp"
#include "errors/errc.hpp"
#include "tests/unit/temp_key_folder.hpp"
#include "workflows/crypto/base64.hpp"

namespace enroll {
namespace {

class PublishedSealKey : public ::testing::Test {
 protected:
  void SetUp() override {
    generate_keys(dir_);  // a fresh folder has seal_publisher-1
    keys_ = load_keys(dir_);
  }

  nlohmann::json published() const {
    const Keyring publisher = load_seal_publisher(dir_);
    return crypto::publish_seal_key(keys_.passcode_seal->current().id, keys_.seal_public_key(),
                                    publisher.current().id, publisher.current().secret.view());
  }
  static void expect_refused(const nlohmann::json& body, const crypto::PublisherKeys& trusted,
                             const std::string& why) {
    try {
      crypto::verify_published_seal_key(body, trusted);
      ADD_FAILURE() << "accepted: " << body.dump();
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), Errc::bad_signature);
      EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
    }
  }

  testing::TempKeyFolder folder_{"seal-publisher"};
  const std::filesystem::path& dir_ = folder_.path();
  Keys keys_;
};

TEST_F(PublishedSealKey, VerifiesAgainstThePublicHalfGivenOutOfBand) {
  const auto body = published();
  EXPECT_EQ(body["signed_by"], "seal_publisher-1");
  EXPECT_EQ(body["key_id"], "passcode_seal-1");
  const auto trusted = load_seal_publisher_public_keys(dir_);
  ASSERT_EQ(trusted.size(), 1u);
  const auto key = crypto::verify_published_seal_key(body, trusted);
  EXPECT_EQ(key.bytes, keys_.seal_public_key().bytes);
}

TEST_F(PublishedSealKey, AKeySwappedOnThePathIsRefused) {
  const auto trusted = load_seal_publisher_public_keys(dir_);
  auto body = published();
  // A man in the middle hands out a key of their own, keeping the signature.
  const auto own = crypto::generate_seal_keypair();
  body["public_key"] = crypto::to_base64(own.pub.bytes);
  expect_refused(body, trusted, "does not verify");
  // ... or the key id.
  body = published();
  body["key_id"] = "passcode_seal-9";
  expect_refused(body, trusted, "does not verify");
  // ... or drops the signature: the old, unsigned form.
  body = published();
  body.erase("signature");
  expect_refused(body, trusted, "unsigned");
  // ... or signs with a publisher key of their own.
  const auto other = std::filesystem::path(dir_.string() + "-other");
  std::filesystem::remove_all(other);
  add_seal_publisher_version(other);
  const Keyring mitm = load_seal_publisher(other);
  const auto forged = crypto::publish_seal_key("passcode_seal-9", own.pub, "seal_publisher-1",
                                               mitm.current().secret.view());
  expect_refused(forged, trusted, "does not verify");
  std::filesystem::remove_all(other);
  // Malformed bodies.
  expect_refused(nlohmann::json::array(), trusted, "no \"key_id\"");
  body = published();
  body["signature"] = "not base64!";
  expect_refused(body, trusted, "\"signature\"");
  body = published();
  body["signed_by"] = "seal_publisher-9";
  expect_refused(body, trusted, "not a publisher key given to us");
}

TEST_F(PublishedSealKey, ANewVersionSignsAndBackEndsKeepingTheOldPubStillVerifyOld) {
  const auto before = published();
  EXPECT_EQ(add_seal_publisher_version(dir_), "seal_publisher-2");
  const auto after = published();
  EXPECT_EQ(after["signed_by"], "seal_publisher-2");
  const auto trusted = load_seal_publisher_public_keys(dir_);
  EXPECT_EQ(trusted.size(), 2u);
  EXPECT_NO_THROW(crypto::verify_published_seal_key(before, trusted));
  EXPECT_NO_THROW(crypto::verify_published_seal_key(after, trusted));
}

TEST_F(PublishedSealKey, NoPublicHalfIsOneLine) {
  std::filesystem::remove_all(dir_ / kSealPublisher);
  try {
    load_seal_publisher_public_keys(dir_);
    ADD_FAILURE() << "no .pub, yet keys";
  } catch (const KeysError& e) {
    EXPECT_NE(std::string(e.what()).find("seal_publisher-<n>.pub"), std::string::npos);
  }
}

}  // namespace
}  // namespace enroll
