#include "adapters/keys/keyring.hpp"

#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "adapters/keys/key_file.hpp"
#include "adapters/keys/keys.hpp"
#include "workflows/crypto/base64.hpp"

namespace enroll {
namespace {

namespace fs = std::filesystem;

class KeyringTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("enroll-keyring-test-" + std::to_string(::getpid()) + "-" +
                                         std::to_string(std::random_device{}()));
    fs::create_directories(root_);
    fs::permissions(root_, fs::perms::owner_all);
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string load_error(std::size_t min = 32, std::size_t max = 32) {
    try {
      Keyring::load(root_, "field", min, max);
    } catch (const KeysError& e) {
      return e.what();
    }
    return "<no error>";
  }

  fs::path root_;
};

TEST_F(KeyringTest, TheHighestVersionIsCurrentAndEveryVersionIsKept) {
  EXPECT_EQ(add_random_key_version(root_, "field", 32), "field-1");
  EXPECT_EQ(add_random_key_version(root_, "field", 32), "field-2");
  const Keyring ring = Keyring::load(root_, "field", 32, 32);
  EXPECT_EQ(ring.current().id, "field-2");
  EXPECT_EQ(ring.current().number, 2u);
  ASSERT_NE(ring.find("field-1"), nullptr);
  EXPECT_EQ(ring.find("field-1")->secret.size(), 32u);
  EXPECT_NE(
      std::string(reinterpret_cast<const char*>(ring.find("field-1")->secret.view().data()), 32),
      std::string(reinterpret_cast<const char*>(ring.current().secret.view().data()), 32));
  EXPECT_EQ(ring.find("field-3"), nullptr);
  EXPECT_EQ(ring.find("other-1"), nullptr);
  // Modes: the folder 0700, the secret 0600.
  EXPECT_EQ(fs::status(root_ / "field").permissions(), fs::perms::owner_all);
  EXPECT_EQ(fs::status(root_ / "field" / "field-2.key").permissions(),
            fs::perms::owner_read | fs::perms::owner_write);
}

TEST_F(KeyringTest, VersionsAreOrderedByNumberNotByName) {
  for (int i = 0; i < 10; ++i) add_random_key_version(root_, "field", 32);
  const Keyring ring = Keyring::load(root_, "field", 32, 32);
  EXPECT_EQ(ring.current().id, "field-10");
  EXPECT_EQ(ring.versions().front().id, "field-1");
}

TEST_F(KeyringTest, APublicHalfIsWrittenBesideAndIgnoredOnLoad) {
  const std::array<unsigned char, 64> secret{1, 2, 3};
  const std::array<unsigned char, 32> pub{9, 9};
  EXPECT_EQ(add_key_version(root_, "field", secret, pub), "field-1");
  EXPECT_EQ(fs::status(root_ / "field" / "field-1.pub").permissions(),
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                fs::perms::others_read);
  EXPECT_EQ(read_key_file(root_ / "field" / "field-1.pub", kMaxKeyFileBytes, Exposure::public_),
            crypto::to_base64(pub));
  const Keyring ring = Keyring::load(root_, "field", 64, 64);
  EXPECT_EQ(ring.versions().size(), 1u);
  EXPECT_EQ(ring.current().secret.view()[2], 3);
}

TEST_F(KeyringTest, RefusesWithAOneLineReason) {
  EXPECT_NE(load_error().find("missing keyring"), std::string::npos) << load_error();
  EXPECT_NE(load_error().find("--rotate-key field)"), std::string::npos) << load_error();
  fs::create_directories(root_ / "field");
  fs::permissions(root_ / "field", fs::perms::owner_all);
  EXPECT_NE(load_error().find("holds no version of field"), std::string::npos) << load_error();
  add_random_key_version(root_, "field", 32);
  EXPECT_EQ(load_error(), "<no error>");
  EXPECT_NE(load_error(16, 16).find("holds 32 bytes, expected 16"), std::string::npos);

  // A secret others may read.
  fs::permissions(root_ / "field" / "field-1.key", fs::perms::group_read | fs::perms::others_read,
                  fs::perm_options::add);
  EXPECT_NE(load_error().find("has mode 0644: others may read it"), std::string::npos)
      << load_error();
  fs::permissions(root_ / "field" / "field-1.key", fs::perms::owner_read | fs::perms::owner_write);

  // A folder others may write.
  fs::permissions(root_ / "field", fs::perms::others_write, fs::perm_options::add);
  EXPECT_NE(load_error().find("others may write it (chmod 700 it)"), std::string::npos)
      << load_error();
  fs::permissions(root_ / "field", fs::perms::owner_all);

  // A stray file.
  std::ofstream(root_ / "field" / "field-01.key") << "x";
  EXPECT_NE(load_error().find("which is not a version of field"), std::string::npos)
      << load_error();
  fs::remove(root_ / "field" / "field-01.key");

  // A version that is a symbolic link to somebody's key.
  std::ofstream(root_ / "elsewhere.key") << crypto::to_base64(std::array<unsigned char, 32>{});
  fs::permissions(root_ / "elsewhere.key", fs::perms::owner_read | fs::perms::owner_write);
  fs::create_symlink(root_ / "elsewhere.key", root_ / "field" / "field-2.key");
  EXPECT_NE(load_error().find("is a symbolic link"), std::string::npos) << load_error();
  fs::remove(root_ / "field" / "field-2.key");

  // The folder itself a symbolic link.
  fs::rename(root_ / "field", root_ / "real");
  fs::create_directory_symlink(root_ / "real", root_ / "field");
  EXPECT_NE(load_error().find("key folder"), std::string::npos);
  EXPECT_NE(load_error().find("is a symbolic link"), std::string::npos) << load_error();
}

TEST_F(KeyringTest, AKeyOwnedBySomeoneElseIsRefused) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give a file away";  // CI runs as root
  add_random_key_version(root_, "field", 32);
  ASSERT_EQ(::chown((root_ / "field" / "field-1.key").c_str(), 65534, 65534), 0);
  EXPECT_NE(load_error().find("is owned by uid 65534"), std::string::npos) << load_error();
}

TEST_F(KeyringTest, RetiringKeepsTheCurrentVersion) {
  for (int i = 0; i < 3; ++i) add_random_key_version(root_, "field", 32);
  EXPECT_EQ(retire_key_versions(root_, "field", 3), 2u);
  EXPECT_EQ(Keyring::load(root_, "field", 32, 32).versions().size(), 1u);
  EXPECT_EQ(retire_key_versions(root_, "field", 99), 0u);  // never the current one
  EXPECT_EQ(Keyring::load(root_, "field", 32, 32).current().id, "field-3");
  EXPECT_EQ(add_random_key_version(root_, "field", 32), "field-4");
}

TEST(SecretBytesTest, HoldsACopyAndMovesWithoutOne) {
  std::array<unsigned char, 4> raw{1, 2, 3, 4};
  SecretBytes a(raw);
  raw.fill(0);
  ASSERT_EQ(a.size(), 4u);
  EXPECT_EQ(a.view()[3], 4);
  SecretBytes b(std::move(a));
  EXPECT_EQ(a.size(), 0u);  // NOLINT(bugprone-use-after-move): moved-from is empty
  EXPECT_EQ(b.view()[0], 1);
}

TEST(NoCoreDumpsTest, TurnsDumpsOffForTheProcess) {
  // In a child: it changes the whole process.
  EXPECT_EXIT(
      {
        no_core_dumps();
        rlimit core{};
        ::getrlimit(RLIMIT_CORE, &core);
        std::exit(::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0 && core.rlim_cur == 0 ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace enroll
