// Redis Cluster routing without a server: CRC16 and key slots against known vectors (the
// values redis-server's CLUSTER KEYSLOT gives), hash tags, MOVED/ASK replies, CLUSTER SLOTS
// replies and the redis+cluster:// URL.
#include <gtest/gtest.h>

#include <cstring>
#include <deque>

#include "adapters/redis/connect.hpp"
#include "adapters/redis/slot.hpp"
#include "adapters/redis/slot_map.hpp"
#include "errors/errc.hpp"

namespace enroll::redis {
namespace {

TEST(Crc16, MatchesTheXmodemCheckValue) {
  EXPECT_EQ(crc16_xmodem("123456789"), 0x31C3);
  EXPECT_EQ(crc16_xmodem(""), 0x0000);
}

TEST(KeySlot, MatchesRedisClusterKeyslot) {
  // redis-server 7.0 CLUSTER KEYSLOT answers.
  EXPECT_EQ(key_slot("foo").value, 12182);
  EXPECT_EQ(key_slot("somekey").value, 11058);
  EXPECT_EQ(key_slot("foo{hash_tag}").value, 2515);
  EXPECT_EQ(key_slot("bar{hash_tag}").value, 2515);
  EXPECT_EQ(key_slot("{user1000}.following").value, 3443);
  EXPECT_EQ(key_slot("{user1000}.following"), key_slot("{user1000}.followers"));
  // The project's partition tags spread over the slot range.
  EXPECT_EQ(key_slot("enroll:{p0}:epoch").value, 15882);
  EXPECT_EQ(key_slot("enroll:{p3}:reg:abc").value, 3689);
}

TEST(HashTag, FollowsTheRedisRules) {
  EXPECT_EQ(hash_tag("enroll:{p7}:reg:x"), "p7");
  EXPECT_EQ(hash_tag("foo"), "foo");
  EXPECT_EQ(hash_tag("foo{}{bar}"), "foo{}{bar}");  // empty first tag: the whole key
  EXPECT_EQ(hash_tag("foo{{bar}}zap"), "{bar");     // up to the first '}'
  EXPECT_EQ(hash_tag("foo{bar}{zap}"), "bar");      // the first tag only
  EXPECT_EQ(hash_tag("foo{bar"), "foo{bar");        // no closing brace
}

TEST(Redirect, ParsesMovedAndAsk) {
  const NodeAddress from{"10.0.0.1", 7000};
  auto moved = parse_redirect("MOVED 3999 127.0.0.1:6381", from);
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->kind, Redirect::Kind::moved);
  EXPECT_EQ(moved->slot.value, 3999);
  EXPECT_EQ(moved->node, (NodeAddress{"127.0.0.1", 6381}));

  auto ask = parse_redirect("ASK 12182 ::1:7002", from);  // an IPv6 host
  ASSERT_TRUE(ask);
  EXPECT_EQ(ask->kind, Redirect::Kind::ask);
  EXPECT_EQ(ask->node, (NodeAddress{"::1", 7002}));

  auto unknown_host = parse_redirect("MOVED 1 :7005", from);  // the replying node's host
  ASSERT_TRUE(unknown_host);
  EXPECT_EQ(unknown_host->node, (NodeAddress{"10.0.0.1", 7005}));

  EXPECT_FALSE(parse_redirect("ERR unknown command", from));
  EXPECT_FALSE(parse_redirect("MOVED 16384 127.0.0.1:1", from));
  EXPECT_FALSE(parse_redirect("MOVED x 127.0.0.1:1", from));
  EXPECT_FALSE(parse_redirect("ASK 1 127.0.0.1", from));
}

// Hand-built hiredis replies (a CLUSTER SLOTS answer) for SlotMap.
class Replies {
 public:
  redisReply* integer(long long v) {
    auto& r = make(REDIS_REPLY_INTEGER);
    r.integer = v;
    return &r;
  }
  redisReply* string(const char* s) {
    auto& r = make(REDIS_REPLY_STRING);
    r.str = const_cast<char*>(s);
    r.len = std::strlen(s);
    return &r;
  }
  redisReply* array(std::vector<redisReply*> elements) {
    auto& r = make(REDIS_REPLY_ARRAY);
    arrays_.push_back(std::move(elements));
    r.element = arrays_.back().data();
    r.elements = arrays_.back().size();
    return &r;
  }
  redisReply* range(long long first, long long last, const char* host, long long port) {
    return array({integer(first), integer(last), array({string(host), integer(port)})});
  }

 private:
  redisReply& make(int type) {
    replies_.emplace_back();
    replies_.back().type = type;
    return replies_.back();
  }
  std::deque<redisReply> replies_;  // deque: pointers stay valid
  std::deque<std::vector<redisReply*>> arrays_;
};

TEST(SlotMap, ReadsClusterSlots) {
  Replies r;
  const auto* reply = r.array({r.range(0, 5460, "127.0.0.1", 7000),
                               r.range(5461, 10922, "?", 7001),  // unknown: the host asked
                               r.range(10923, 16383, "127.0.0.1", 7002)});
  const auto map = SlotMap::from_cluster_slots(*reply, NodeAddress{"192.0.2.9", 7000});
  EXPECT_EQ(*map.owner(Slot{0}), (NodeAddress{"127.0.0.1", 7000}));
  EXPECT_EQ(*map.owner(Slot{5461}), (NodeAddress{"192.0.2.9", 7001}));
  EXPECT_EQ(*map.owner(Slot{16383}), (NodeAddress{"127.0.0.1", 7002}));
  EXPECT_EQ(map.masters().size(), 3u);
  EXPECT_FALSE(map.first_gap());
}

TEST(SlotMap, ReportsUnservedSlotsAndTakesMovedSlots) {
  Replies r;
  const auto* reply =
      r.array({r.range(0, 99, "127.0.0.1", 7000), r.range(200, 16383, "127.0.0.1", 7001)});
  auto map = SlotMap::from_cluster_slots(*reply, NodeAddress{"127.0.0.1", 7000});
  EXPECT_EQ(map.first_gap(), "100-199");
  EXPECT_EQ(map.owner(Slot{150}), nullptr);
  map.assign(Slot{50}, NodeAddress{"127.0.0.1", 7001});
  EXPECT_EQ(*map.owner(Slot{50}), (NodeAddress{"127.0.0.1", 7001}));
}

TEST(SlotMap, RejectsWhatIsNotAClusterSlotsReply) {
  Replies r;
  EXPECT_THROW(SlotMap::from_cluster_slots(*r.string("OK"), NodeAddress{}), Error);
  EXPECT_THROW(SlotMap::from_cluster_slots(*r.array({r.range(5, 1, "h", 1)}), NodeAddress{}),
               Error);
  EXPECT_THROW(SlotMap::from_cluster_slots(*r.array({r.array({r.integer(0)})}), NodeAddress{}),
               Error);
}

TEST(ClusterUrl, ListsTheSeeds) {
  const auto seeds = parse_cluster_url("redis+cluster://10.0.0.1:7000,redis-b,10.0.0.3:7002/0");
  ASSERT_EQ(seeds.size(), 3u);
  EXPECT_EQ(seeds[0], (NodeAddress{"10.0.0.1", 7000}));
  EXPECT_EQ(seeds[1], (NodeAddress{"redis-b", 6379}));
  EXPECT_EQ(seeds[2], (NodeAddress{"10.0.0.3", 7002}));
  EXPECT_TRUE(is_cluster_url("redis+cluster://h"));
  EXPECT_FALSE(is_cluster_url("redis://h:1/0"));
}

TEST(ClusterUrl, RejectsBadOnesWithOneLine) {
  for (const char* bad :
       {"redis+cluster://", "redis+cluster://a:1,,b:2", "redis+cluster://a:x",
        "redis+cluster://a:1/3", "redis+cluster://a:70000", "rediss://a:1", "cluster://a:1"}) {
    try {
      check_redis_url(bad);
      ADD_FAILURE() << bad << " accepted";
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
    }
  }
  EXPECT_NO_THROW(check_redis_url("redis://127.0.0.1:6379/2"));  // one server: as before
}

}  // namespace
}  // namespace enroll::redis
