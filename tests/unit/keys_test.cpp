#include "adapters/keys/keys.hpp"

#include <gtest/gtest.h>
#include <sodium.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "adapters/keys/audit_checkpoint_key.hpp"
#include "workflows/audit_checkpoint.hpp"
#include "workflows/crypto/base64.hpp"

namespace enroll {
namespace {

namespace fs = std::filesystem;

// A fresh folder per test, removed afterwards.
class KeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("enroll-keys-test-" + std::to_string(::getpid()) + "-" +
                                         std::to_string(std::random_device{}()));
    dir_ = root_ / "keys";
  }
  void TearDown() override { fs::remove_all(root_); }

  void write(const char* name, const std::string& content) {
    std::ofstream(dir_ / name, std::ios::trunc) << content;
  }
  std::string read(const char* name) {
    std::ifstream in(dir_ / name);
    return {std::istreambuf_iterator<char>(in), {}};
  }
  std::string load_error() {
    try {
      load_keys(dir_);
    } catch (const KeysError& e) {
      return e.what();
    }
    return "<no error>";
  }

  fs::path root_;
  fs::path dir_;
};

TEST_F(KeysTest, GenerateThenLoadRoundTrips) {
  generate_keys(dir_);
  const Keys keys = load_keys(dir_);
  EXPECT_EQ(keys.qr_mac_key.size(), 32u);
  EXPECT_EQ(keys.request_id_key.size(), 32u);
  EXPECT_NE(keys.request_id_key, keys.qr_mac_key);
  EXPECT_EQ(keys.citizen_hash_key.size(), 32u);
  EXPECT_EQ(keys.passcode_salt_key.size(), 32u);
  EXPECT_NE(keys.qr_mac_key, keys.citizen_hash_key);
  EXPECT_EQ(load_seal_public_key(dir_).bytes, keys.passcode_seal.pub.bytes);
  // Issue 15: the pepper is a keyring, its first version made with the folder.
  ASSERT_TRUE(keys.passcode_pepper.has_value());
  EXPECT_EQ(keys.passcode_pepper->current().id, "passcode_pepper-1");
  EXPECT_EQ(keys.passcode_pepper->current().secret.size(), 32u);
  const crypto::Peppers peppers = key_views(*keys.passcode_pepper);
  ASSERT_EQ(peppers.size(), 1u);
  EXPECT_EQ(peppers[0].id, "passcode_pepper-1");
  EXPECT_EQ(peppers[0].key.data(), keys.passcode_pepper->current().secret.view().data());
  // The loaded pair works: a box sealed to the public file opens with the loaded keys.
  const auto opened =
      crypto::open_sealed(crypto::seal("13572468", load_seal_public_key(dir_)), keys.passcode_seal);
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(opened->view(), "13572468");
}

TEST_F(KeysTest, FilesAreBase64AndSecretsArePrivate) {
  generate_keys(dir_);
  for (const char* name : {"passcode_seal.key", "qr_mac.key", "request_id.key", "citizen_hash.key",
                           "passcode_salt.key"}) {
    EXPECT_EQ(fs::status(dir_ / name).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write)
        << name;
  }
  EXPECT_EQ(fs::status(dir_ / "passcode_seal.pub").permissions() & fs::perms::others_write,
            fs::perms::none);
  std::string pub = read("passcode_seal.pub");
  ASSERT_FALSE(pub.empty());
  EXPECT_EQ(pub.back(), '\n');
  pub.pop_back();
  EXPECT_EQ(crypto::from_base64(pub)->size(), crypto_box_PUBLICKEYBYTES);
}

TEST_F(KeysTest, RefusesToOverwriteUnlessAsked) {
  generate_keys(dir_);
  const std::string before = read("passcode_seal.key");
  try {
    generate_keys(dir_);
    FAIL() << "expected KeysError";
  } catch (const KeysError& e) {
    EXPECT_NE(std::string(e.what()).find("passcode_seal.pub"), std::string::npos) << e.what();
  }
  EXPECT_EQ(read("passcode_seal.key"), before);

  // One existing file is enough to refuse, and nothing else is written.
  fs::remove_all(dir_);
  fs::create_directories(dir_);
  write("passcode_salt.key", "my-own-salt-key\n");
  EXPECT_THROW(generate_keys(dir_), KeysError);
  EXPECT_FALSE(fs::exists(dir_ / "passcode_seal.pub"));

  generate_keys(dir_, /*overwrite=*/true);
  EXPECT_NE(read("passcode_salt.key"), "my-own-salt-key\n");
  EXPECT_NO_THROW(load_keys(dir_));
  // The shared operator token of earlier versions is gone: operators have their own
  // (adapters/trust/operator_tokens.hpp).
  EXPECT_FALSE(fs::exists(dir_ / "operator.token"));
}

TEST_F(KeysTest, OverwriteTightensTheModeOfAnExistingSecretFile) {
  fs::create_directories(dir_);
  write("qr_mac.key", "old");
  fs::permissions(dir_ / "qr_mac.key", fs::perms::all);
  generate_keys(dir_, /*overwrite=*/true);
  EXPECT_EQ(fs::status(dir_ / "qr_mac.key").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
}

TEST_F(KeysTest, MissingFileIsNamed) {
  generate_keys(dir_);
  fs::remove(dir_ / "citizen_hash.key");
  const std::string message = load_error();
  EXPECT_NE(message.find("missing key file"), std::string::npos) << message;
  EXPECT_NE(message.find((dir_ / "citizen_hash.key").string()), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos);

  fs::remove_all(dir_);
  EXPECT_NE(load_error().find("missing key folder"), std::string::npos) << load_error();
  EXPECT_THROW(load_seal_public_key(dir_), KeysError);
}

// A folder made before issue 15 has no pepper: refused, saying how to make one; a rotation adds a
// version that becomes current; --force on a folder adds a version rather than refusing.
TEST_F(KeysTest, ThePepperKeyringIsRequiredAndRotates) {
  generate_keys(dir_);
  fs::remove_all(dir_ / "passcode_pepper");
  EXPECT_NE(load_error().find("missing keyring"), std::string::npos) << load_error();
  EXPECT_NE(load_error().find("--rotate-key passcode_pepper)"), std::string::npos) << load_error();
  EXPECT_EQ(find_keyring_kind(kPasscodePepper)->add_version(dir_), "passcode_pepper-1");
  EXPECT_EQ(find_keyring_kind(kPasscodePepper)->add_version(dir_), "passcode_pepper-2");
  EXPECT_EQ(load_keys(dir_).passcode_pepper->current().id, "passcode_pepper-2");
  EXPECT_THROW(generate_keys(dir_), KeysError);
  generate_keys(dir_, /*overwrite=*/true);
  EXPECT_EQ(load_keys(dir_).passcode_pepper->current().id, "passcode_pepper-3");
  EXPECT_EQ(find_keyring_kind("nothing"), nullptr);
}

// Issue 15: the folder and its secrets are checked at start-up: owner, mode, links.
TEST_F(KeysTest, TheFolderItselfIsChecked) {
  generate_keys(dir_);
  fs::permissions(dir_, fs::perms::group_write, fs::perm_options::add);
  EXPECT_NE(load_error().find("others may write it (chmod 700 it)"), std::string::npos)
      << load_error();
  fs::permissions(dir_, fs::perms::owner_all);
  fs::permissions(dir_ / "qr_mac.key", fs::perms::others_read, fs::perm_options::add);
  EXPECT_NE(load_error().find("qr_mac.key' has mode 0604: others may read it"), std::string::npos)
      << load_error();
  fs::permissions(dir_ / "qr_mac.key", fs::perms::owner_read | fs::perms::owner_write);
  // A public half may be read by anyone, not written.
  fs::permissions(dir_ / "passcode_seal.pub", fs::perms::others_write, fs::perm_options::add);
  EXPECT_NE(load_error().find("passcode_seal.pub' has mode 0646: others may write it"),
            std::string::npos)
      << load_error();
  fs::permissions(dir_ / "passcode_seal.pub", fs::perms::others_write, fs::perm_options::remove);
  EXPECT_EQ(load_error(), "<no error>");
  fs::rename(dir_, root_ / "real");
  fs::create_directory_symlink(root_ / "real", dir_);
  EXPECT_NE(load_error().find("is a symbolic link"), std::string::npos) << load_error();
}

TEST_F(KeysTest, MalformedFilesAreNamed) {
  generate_keys(dir_);
  write("qr_mac.key", "not base64!\n");
  EXPECT_NE(load_error().find("qr_mac.key' is not valid base64"), std::string::npos)
      << load_error();

  generate_keys(dir_, true);
  write("passcode_salt.key", crypto::to_base64(std::vector<unsigned char>(8, 1)) + "\n");
  EXPECT_NE(load_error().find("passcode_salt.key' holds 8 bytes"), std::string::npos)
      << load_error();
}

TEST_F(KeysTest, MismatchedSealKeyPairIsRefused) {
  generate_keys(dir_);
  const std::string other_pub = crypto::to_base64(crypto::generate_seal_keypair().pub.bytes) + "\n";
  write("passcode_seal.pub", other_pub);
  EXPECT_NE(load_error().find("does not match"), std::string::npos) << load_error();
}

}  // namespace
}  // namespace enroll

namespace enroll {
namespace {

// The audit checkpoint key (issue 15, item 5): enroll-keygen makes version 1 with its public
// half; a new version becomes the current one and the older still verifies; what is signed
// with the secret verifies under the .pub an auditor is given.
TEST(AuditCheckpointKeyTest, GeneratedRotatedAndItsPublicHalfVerifies) {
  const auto dir = fs::temp_directory_path() / ("ckpt-keys-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  generate_keys(dir);
  const auto folder = dir / "audit_checkpoint";
  EXPECT_EQ(fs::status(folder / "audit_checkpoint-1.key").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(fs::status(folder / "audit_checkpoint-1.pub").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                fs::perms::others_read);
  EXPECT_EQ(load_audit_checkpoint_keys(dir).current().id, "audit_checkpoint-1");

  EXPECT_EQ(add_audit_checkpoint_key(dir), "audit_checkpoint-2");
  const auto ring = load_audit_checkpoint_keys(dir);
  EXPECT_EQ(ring.current().id, "audit_checkpoint-2");
  ASSERT_NE(ring.find("audit_checkpoint-1"), nullptr);

  for (const auto& version : ring.versions()) {
    std::ifstream in(folder / (version.id + ".pub"));
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto pub = parse_checkpoint_public_key(text);
    ASSERT_TRUE(pub.has_value()) << version.id;
    const auto signed_data = sign_checkpoint({0, 1, "", "2026-12-04T10:00:00.000Z", {}},
                                             {version.id, version.secret.view()});
    const std::vector<CheckpointPublicKey> keys{{version.id, *pub}};
    EXPECT_TRUE(std::holds_alternative<CheckedCheckpoint>(check_checkpoint(signed_data, keys)))
        << version.id;
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace enroll
