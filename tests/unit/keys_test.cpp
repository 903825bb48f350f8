#include "adapters/keys/keys.hpp"

#include <gtest/gtest.h>
#include <sodium.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "adapters/keys/audit_checkpoint_key.hpp"
#include "adapters/keys/keyring.hpp"
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

// Every key of a fresh folder is version 1 of its keyring (issue 15: key ids everywhere).
TEST_F(KeysTest, GenerateThenLoadRoundTrips) {
  generate_keys(dir_);
  const Keys keys = load_keys(dir_);
  for (const auto* ring : {&keys.passcode_seal, &keys.qr_mac, &keys.request_id, &keys.citizen_hash,
                           &keys.passcode_salt, &keys.passcode_pepper, &keys.field}) {
    ASSERT_TRUE(ring->has_value());
    EXPECT_EQ((*ring)->current().id, (*ring)->purpose() + "-1");
    EXPECT_EQ((*ring)->versions().size(), 1u);
  }
  EXPECT_EQ(keys.qr_mac->current().secret.size(), 32u);
  const auto bytes = [](const std::optional<Keyring>& ring) {
    const auto v = ring->current().secret.view();
    return std::vector<unsigned char>(v.begin(), v.end());
  };
  EXPECT_NE(bytes(keys.request_id), bytes(keys.qr_mac));
  EXPECT_NE(bytes(keys.qr_mac), bytes(keys.citizen_hash));
  EXPECT_NE(bytes(keys.citizen_hash), bytes(keys.passcode_salt));
  EXPECT_EQ(load_seal_public_key(dir_).bytes, keys.seal_public_key().bytes);
  const crypto::Peppers peppers = key_views(*keys.passcode_pepper);
  ASSERT_EQ(peppers.size(), 1u);
  EXPECT_EQ(peppers[0].id, "passcode_pepper-1");
  EXPECT_EQ(peppers[0].key.data(), keys.passcode_pepper->current().secret.view().data());
  // The loaded pair works: a box sealed to the public file opens with the loaded keys.
  const crypto::SealKeys seal = keys.seal_keys();
  ASSERT_EQ(seal.size(), 1u);
  EXPECT_EQ(seal[0].id, "passcode_seal-1");
  const auto opened =
      crypto::open_sealed(crypto::seal("13572468", load_seal_public_key(dir_)), seal);
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(opened->view(), "13572468");
}

TEST_F(KeysTest, FilesAreBase64AndSecretsArePrivate) {
  generate_keys(dir_);
  for (const KeyringKind& kind : keyring_kinds()) {
    const std::string p(kind.purpose);
    EXPECT_EQ(fs::status(dir_ / p).permissions() & fs::perms::all, fs::perms::owner_all) << p;
    EXPECT_EQ(fs::status(dir_ / p / (p + "-1.key")).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write)
        << p;
  }
  const fs::path pub_file = dir_ / "passcode_seal" / "passcode_seal-1.pub";
  EXPECT_EQ(fs::status(pub_file).permissions() & fs::perms::others_write, fs::perms::none);
  std::ifstream in(pub_file);
  std::string pub((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(pub.empty());
  EXPECT_EQ(pub.back(), '\n');
  pub.pop_back();
  EXPECT_EQ(crypto::from_base64(pub)->size(), crypto_box_PUBLICKEYBYTES);
  // No single key files any more.
  for (const char* name : {"passcode_seal.key", "passcode_seal.pub", "qr_mac.key"}) {
    EXPECT_FALSE(fs::exists(dir_ / name)) << name;
  }
}

TEST_F(KeysTest, RefusesToOverwriteUnlessAsked) {
  generate_keys(dir_);
  const std::string before = read("passcode_seal/passcode_seal-1.key");
  try {
    generate_keys(dir_);
    FAIL() << "expected KeysError";
  } catch (const KeysError& e) {
    EXPECT_NE(std::string(e.what()).find("refusing to overwrite existing keyring"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(read("passcode_seal/passcode_seal-1.key"), before);

  // One existing file of before key versions is enough to refuse, and nothing is written.
  fs::remove_all(dir_);
  fs::create_directories(dir_);
  write("passcode_salt.key", "my-own-salt-key\n");
  EXPECT_THROW(generate_keys(dir_), KeysError);
  EXPECT_FALSE(fs::exists(dir_ / "passcode_seal"));

  // With overwrite, each keyring gets a new current version.
  fs::remove(dir_ / "passcode_salt.key");
  generate_keys(dir_);
  generate_keys(dir_, /*overwrite=*/true);
  const Keys keys = load_keys(dir_);
  EXPECT_EQ(keys.passcode_seal->current().id, "passcode_seal-2");
  EXPECT_EQ(keys.citizen_hash->current().id, "citizen_hash-2");
  // The shared operator token of earlier versions is gone: operators have their own
  // (adapters/trust/operator_tokens.hpp).
  EXPECT_FALSE(fs::exists(dir_ / "operator.token"));
}

TEST_F(KeysTest, MissingKeyringIsNamed) {
  generate_keys(dir_);
  fs::remove_all(dir_ / "citizen_hash");
  const std::string message = load_error();
  EXPECT_NE(message.find("missing keyring"), std::string::npos) << message;
  EXPECT_NE(message.find("--rotate-key citizen_hash)"), std::string::npos) << message;
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

// Each key rotates (issue 15, item 6): a new version becomes current, the older is still
// loaded until retired, and retiring never removes the current one.
TEST_F(KeysTest, EveryKeyRotatesAndRetires) {
  generate_keys(dir_);
  const crypto::SealPublicKey first_seal = load_seal_public_key(dir_);
  const std::string sealed_before = crypto::seal("24681357", first_seal);
  for (const KeyringKind& kind : keyring_kinds()) {
    const std::string p(kind.purpose);
    EXPECT_EQ(kind.add_version(dir_), p + "-2");
    EXPECT_FALSE(kind.rotation.empty()) << p;
  }
  Keys keys = load_keys(dir_);
  for (const auto* ring : {&keys.passcode_seal, &keys.qr_mac, &keys.request_id, &keys.citizen_hash,
                           &keys.passcode_salt, &keys.passcode_pepper, &keys.field}) {
    EXPECT_EQ((*ring)->current().id, (*ring)->purpose() + "-2");
    EXPECT_NE((*ring)->find((*ring)->purpose() + "-1"), nullptr);
  }
  // The sealing key: the new public half is published, a box sealed to the older still opens.
  EXPECT_NE(load_seal_public_key(dir_).bytes, first_seal.bytes);
  EXPECT_EQ(load_seal_public_key(dir_).bytes, keys.seal_public_key().bytes);
  ASSERT_EQ(keys.seal_keys().size(), 2u);
  EXPECT_EQ(keys.seal_keys().front().id, "passcode_seal-2") << "the current is tried first";
  ASSERT_TRUE(crypto::open_sealed(sealed_before, keys.seal_keys()).has_value());

  EXPECT_EQ(retire_key_versions(dir_, "passcode_seal", 2), 1u);
  EXPECT_EQ(retire_key_versions(dir_, "qr_mac", 99), 1u) << "never the current one";
  keys = load_keys(dir_);
  EXPECT_EQ(keys.passcode_seal->versions().size(), 1u);
  EXPECT_EQ(keys.qr_mac->current().id, "qr_mac-2");
  EXPECT_FALSE(crypto::open_sealed(sealed_before, keys.seal_keys()).has_value())
      << "a retired version's boxes are unreadable";
}

// A folder made before keys had versions keeps its single files: each is version 0, a rotation
// adds version 1, and retiring below 1 deletes the single file (with its .pub).
TEST_F(KeysTest, SingleKeyFilesOfBeforeAreVersionZero) {
  generate_keys(dir_);
  for (const char* p : {"passcode_seal", "qr_mac", "request_id", "citizen_hash", "passcode_salt"}) {
    const fs::path ring = dir_ / p;
    fs::rename(ring / (std::string(p) + "-1.key"), dir_ / (std::string(p) + ".key"));
    if (fs::exists(ring / (std::string(p) + "-1.pub"))) {
      fs::rename(ring / (std::string(p) + "-1.pub"), dir_ / (std::string(p) + ".pub"));
    }
    fs::remove_all(ring);
  }
  const crypto::SealPublicKey old_pub = load_seal_public_key(dir_);
  const std::string sealed_before = crypto::seal("97531864", old_pub);
  Keys keys = load_keys(dir_);
  EXPECT_EQ(keys.passcode_seal->current().id, "passcode_seal-0");
  EXPECT_EQ(keys.citizen_hash->current().id, "citizen_hash-0");
  EXPECT_EQ(keys.seal_public_key().bytes, old_pub.bytes);

  EXPECT_EQ(find_keyring_kind(kPasscodeSeal)->add_version(dir_), "passcode_seal-1");
  keys = load_keys(dir_);
  EXPECT_EQ(keys.passcode_seal->current().id, "passcode_seal-1");
  EXPECT_TRUE(crypto::open_sealed(sealed_before, keys.seal_keys()).has_value());
  EXPECT_NE(load_seal_public_key(dir_).bytes, old_pub.bytes) << "the new version's .pub";

  EXPECT_EQ(retire_key_versions(dir_, "citizen_hash", 1), 0u) << "version 0 is its current";
  EXPECT_EQ(retire_key_versions(dir_, "passcode_seal", 1), 1u);
  EXPECT_FALSE(fs::exists(dir_ / "passcode_seal.key"));
  EXPECT_FALSE(fs::exists(dir_ / "passcode_seal.pub"));
  EXPECT_FALSE(crypto::open_sealed(sealed_before, load_keys(dir_).seal_keys()).has_value());
}

// Issue 15: the folder and its secrets are checked at start-up: owner, mode, links.
TEST_F(KeysTest, TheFolderItselfIsChecked) {
  generate_keys(dir_);
  fs::permissions(dir_, fs::perms::group_write, fs::perm_options::add);
  EXPECT_NE(load_error().find("others may write it (chmod 700 it)"), std::string::npos)
      << load_error();
  fs::permissions(dir_, fs::perms::owner_all);
  const fs::path qr = dir_ / "qr_mac" / "qr_mac-1.key";
  fs::permissions(qr, fs::perms::others_read, fs::perm_options::add);
  EXPECT_NE(load_error().find("qr_mac-1.key' has mode 0604: others may read it"), std::string::npos)
      << load_error();
  fs::permissions(qr, fs::perms::owner_read | fs::perms::owner_write);
  // A public half may be read by anyone, not written.
  const fs::path pub = dir_ / "passcode_seal" / "passcode_seal-1.pub";
  fs::permissions(pub, fs::perms::others_write, fs::perm_options::add);
  EXPECT_NE(load_error().find("passcode_seal-1.pub' has mode 0646: others may write it"),
            std::string::npos)
      << load_error();
  fs::permissions(pub, fs::perms::others_write, fs::perm_options::remove);
  EXPECT_EQ(load_error(), "<no error>");
  fs::rename(dir_, root_ / "real");
  fs::create_directory_symlink(root_ / "real", dir_);
  EXPECT_NE(load_error().find("is a symbolic link"), std::string::npos) << load_error();
}

TEST_F(KeysTest, MalformedFilesAreNamed) {
  generate_keys(dir_);
  write("qr_mac/qr_mac-1.key", "not base64!\n");
  EXPECT_NE(load_error().find("qr_mac-1.key' is not valid base64"), std::string::npos)
      << load_error();

  fs::remove_all(dir_);
  generate_keys(dir_);
  write("passcode_salt/passcode_salt-1.key",
        crypto::to_base64(std::vector<unsigned char>(8, 1)) + "\n");
  EXPECT_NE(load_error().find("passcode_salt-1.key' holds 8 bytes"), std::string::npos)
      << load_error();
}

TEST_F(KeysTest, MismatchedSealKeyPairIsRefused) {
  generate_keys(dir_);
  const std::string other_pub = crypto::to_base64(crypto::generate_seal_keypair().pub.bytes) + "\n";
  write("passcode_seal/passcode_seal-1.pub", other_pub);
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
