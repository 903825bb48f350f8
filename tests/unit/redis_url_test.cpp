// The login part of the redis:// and redis+cluster:// URLs (an ACL user and its password):
// parsed, refused with one line that never holds the password, and the key folder's
// redis.password (mode and form).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "adapters/keys/keys.hpp"
#include "adapters/keys/redis_password.hpp"
#include "adapters/redis/connect.hpp"
#include "errors/errc.hpp"
#include "tests/unit/temp_key_folder.hpp"

namespace enroll::redis {
namespace {

TEST(RedisUrlLogin, UserAndPasswordOfOneServer) {
  const Endpoint e = parse_redis_url("redis://enroll:s3cr:et@@10.0.0.5:6380/2");
  EXPECT_EQ(e.host, "10.0.0.5");
  EXPECT_EQ(e.port, 6380);
  EXPECT_EQ(e.db, 2);
  EXPECT_EQ(e.credentials.user, "enroll");
  EXPECT_EQ(e.credentials.password, "s3cr:et@");  // ':' and '@' may be in a password
  const Endpoint bare = parse_redis_url("redis://10.0.0.5:6380/2");
  EXPECT_TRUE(bare.credentials.empty());
  // The old form: the password of the `default` user.
  const Credentials old = url_credentials("redis://:pw@h:1/0");
  EXPECT_EQ(old.user, "");
  EXPECT_EQ(old.password, "pw");
  // The user alone: the password comes from the key folder.
  const Credentials user_only = url_credentials("redis://enroll@h/0");
  EXPECT_EQ(user_only.user, "enroll");
  EXPECT_EQ(user_only.password, "");
}

TEST(RedisUrlLogin, UserAndPasswordOfACluster) {
  const std::string url = "redis+cluster://enroll:pw@10.0.0.1:7000,redis-b/0";
  const auto seeds = parse_cluster_url(url);
  ASSERT_EQ(seeds.size(), 2u);
  EXPECT_EQ(seeds[0], (NodeAddress{"10.0.0.1", 7000}));
  EXPECT_EQ(seeds[1], (NodeAddress{"redis-b", 6379}));
  const Credentials c = url_credentials(url);
  EXPECT_EQ(c.user, "enroll");
  EXPECT_EQ(c.password, "pw");
}

TEST(RedisUrlLogin, RefusalsAreOneLineWithoutThePassword) {
  const std::string secret = "Zq9secret";
  for (const std::string& bad :
       {"redis://bad user:" + secret + "@h:1/0", std::string("redis://@h:1/0"),
        "redis://u:" + secret + "/x@h:1/0", "redis+cluster://u:" + secret + "/x@h:1",
        "redis://u:" + secret + "@h:x/0", "redis://u:" + secret + "@:1/0",
        "redis://" + std::string(65, 'u') + ":" + secret + "@h"}) {
    try {
      check_redis_url(bad);
      ADD_FAILURE() << "accepted";
    } catch (const Error& e) {
      const std::string what = e.what();
      EXPECT_EQ(what.find('\n'), std::string::npos) << what;
      EXPECT_EQ(what.find("secret"), std::string::npos) << "the password in: " << what;
    }
  }
}

TEST(RedisUrlLogin, AUserWithoutAnyPasswordIsRefusedBeforeConnecting) {
  try {
    connect("redis://enroll@127.0.0.1:1/0");
    ADD_FAILURE() << "connected";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::bad_url);
    EXPECT_NE(std::string(e.what()).find("'enroll'"), std::string::npos) << e.what();
  }
}

class RedisPasswordFile : public ::testing::Test {
 protected:
  void write(const std::string& text, mode_t mode) {
    const auto path = dir_ / kRedisPasswordFile;
    std::ofstream(path) << text;
    ::chmod(path.c_str(), mode);
  }
  testing::TempKeyFolder folder_{"redis-password"};
  const std::filesystem::path& dir_ = folder_.path();
};

TEST_F(RedisPasswordFile, NoneIsEmptyAndOneLineIsRead) {
  EXPECT_EQ(read_redis_password(dir_).view(), "");
  write("pa ss/word\n", 0600);
  EXPECT_EQ(read_redis_password(dir_).view(), "pa ss/word");
}

TEST_F(RedisPasswordFile, ReadableByOthersOrSeveralLinesIsRefusedWithoutTheContent) {
  write("Zq9secret\n", 0644);
  try {
    read_redis_password(dir_);
    ADD_FAILURE() << "a world-readable password read";
  } catch (const KeysError& e) {
    EXPECT_NE(std::string(e.what()).find("has mode"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("secret"), std::string::npos) << e.what();
  }
  write("Zq9secret\nmore\n", 0600);
  try {
    read_redis_password(dir_);
    ADD_FAILURE() << "two lines read";
  } catch (const KeysError& e) {
    EXPECT_EQ(std::string(e.what()).find("secret"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace enroll::redis
