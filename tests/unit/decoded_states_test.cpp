// Store::load's memo of decoded states: a record is taken from it only when its bytes are the
// ones remembered; anything else (a hand edit, another writer) is decoded again. Bounded, and a
// finished registration is not kept.
#include "adapters/redis/store/decoded_states.hpp"

#include <gtest/gtest.h>

namespace enroll::redis {
namespace {

Registration active(const std::string& id, std::int64_t version) {
  Registration r;
  r.id = RegistrationId(id);
  r.state_version = version;
  return r;
}

TEST(DecodedStatesTest, TheSameBytesGiveTheRememberedStateOtherBytesNothing) {
  DecodedStates memo(8);
  const Registration r = active("reg-1", 3);
  ASSERT_TRUE(r.active());
  memo.remember(r, R"({"id":"reg-1","state_version":3})");

  const auto same = memo.find(r.id, R"({"id":"reg-1","state_version":3})");
  ASSERT_TRUE(same.has_value());
  EXPECT_EQ(same->state_version, 3);

  // Changed under us (one byte): not taken, and forgotten.
  EXPECT_FALSE(memo.find(r.id, R"({"id":"reg-1","state_version":4})").has_value());
  EXPECT_FALSE(memo.find(r.id, R"({"id":"reg-1","state_version":3})").has_value());
  EXPECT_FALSE(memo.find(RegistrationId("reg-2"), "{}").has_value());
}

TEST(DecodedStatesTest, ALaterWriteReplacesTheEarlierOne) {
  DecodedStates memo(8);
  memo.remember(active("reg-1", 3), "v3");
  memo.remember(active("reg-1", 4), "v4");
  EXPECT_EQ(memo.size(), 1U);
  EXPECT_FALSE(memo.find(RegistrationId("reg-1"), "v3").has_value());
  memo.remember(active("reg-1", 4), "v4");
  const auto found = memo.find(RegistrationId("reg-1"), "v4");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->state_version, 4);
}

TEST(DecodedStatesTest, AFinishedRegistrationIsNotKept) {
  DecodedStates memo(8);
  memo.remember(active("reg-1", 3), "v3");
  Registration issued = active("reg-1", 4);
  issued.position.state = RegistrationState::issued;
  ASSERT_FALSE(issued.active());
  memo.remember(issued, "v4");
  EXPECT_EQ(memo.size(), 0U);
  EXPECT_FALSE(memo.find(issued.id, "v4").has_value());
}

TEST(DecodedStatesTest, TheLeastRecentlyUsedGoFirstPastTheCapacity) {
  DecodedStates memo(2);
  memo.remember(active("a", 1), "a1");
  memo.remember(active("b", 1), "b1");
  ASSERT_TRUE(memo.find(RegistrationId("a"), "a1").has_value());  // a is now the most recent
  memo.remember(active("c", 1), "c1");                            // b goes
  EXPECT_EQ(memo.size(), 2U);
  EXPECT_TRUE(memo.find(RegistrationId("a"), "a1").has_value());
  EXPECT_FALSE(memo.find(RegistrationId("b"), "b1").has_value());
  EXPECT_TRUE(memo.find(RegistrationId("c"), "c1").has_value());

  DecodedStates none(0);
  none.remember(active("a", 1), "a1");
  EXPECT_EQ(none.size(), 0U);
}

}  // namespace
}  // namespace enroll::redis
