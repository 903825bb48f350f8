// The error table (errors/errc.cpp): in the enum's order, one wire code per code, and the
// mapping the wire and the Redis replies rely on.
#include "errors/errc.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "adapters/redis/client.hpp"

namespace enroll {
namespace {

TEST(ErrcTest, EveryCodeHasItsOwnRowAndWireCode) {
  std::set<std::string_view> wires;
  for (int i = 0; i <= static_cast<int>(kLastErrc); ++i) {
    const auto code = static_cast<Errc>(i);
    EXPECT_EQ(info(code).code, code) << "row " << i << " is out of the enum's order";
    EXPECT_TRUE(wires.insert(wire_code(code)).second) << wire_code(code) << " twice";
    EXPECT_EQ(errc_from_wire(wire_code(code)), code);
    EXPECT_GE(http_status(code), 400);
  }
  EXPECT_FALSE(errc_from_wire("no_such_code").has_value());
}

TEST(ErrcTest, WireFormsOfTheContract) {
  EXPECT_EQ(wire_code(Errc::too_large), "too_large");
  EXPECT_EQ(wire_code(Errc::untrusted_timestamp), "untrusted_timestamp");
  EXPECT_EQ(info(Errc::untrusted_timestamp).category, ErrorCategory::codec);
  // The sender's proof (issue 13): `unsigned` is a C++ keyword, hence the enumerator's name.
  EXPECT_EQ(wire_code(Errc::unsigned_message), "unsigned");
  EXPECT_EQ(wire_code(Errc::bad_signature), "bad_signature");
  EXPECT_EQ(info(Errc::stale_message).category, ErrorCategory::codec);
  EXPECT_FALSE(retryable(Errc::unknown_key));
  EXPECT_EQ(http_status(Errc::registration_not_found), 404);
  EXPECT_EQ(http_status(Errc::registration_quarantined), 409);
  EXPECT_EQ(http_status(Errc::redis_unavailable), 503);
  EXPECT_TRUE(retryable(Errc::redis_unavailable));
  EXPECT_FALSE(retryable(Errc::stale_epoch));
  EXPECT_FALSE(retryable(Errc::engine_fault));
}

TEST(ErrcTest, RedisErrorRepliesAreTypedByTheirFirstWord) {
  EXPECT_EQ(redis::error_reply("STALE_EPOCH another instance has claimed the partition").code(),
            Errc::stale_epoch);
  // Redis prefixes a one-word reply with ERR: that is no longer the code.
  EXPECT_EQ(redis::error_reply("ERR STALE_EPOCH").code(), Errc::redis_refused);
  EXPECT_EQ(redis::error_reply("LOADING Redis is loading the dataset").code(),
            Errc::redis_unavailable);
  EXPECT_TRUE(redis::error_reply("OOM command not allowed").retryable());
  EXPECT_EQ(redis::error_reply("ERR unknown command").code(), Errc::redis_refused);
  // A message that merely mentions a code is not that code.
  EXPECT_EQ(redis::error_reply("ERR user script says STALE_EPOCH").code(), Errc::redis_refused);
  EXPECT_EQ(redis::error_reply("LOADINGX").code(), Errc::redis_refused);
}

}  // namespace
}  // namespace enroll
