// The Redis Cluster router and the Store against a real 3-master Redis Cluster (the
// `redis_cluster` fixture): keys go to the master of their slot; pipelines spread over the
// masters keep the caller's order; a slot migrated during use is followed through MOVED,
// a key of a slot in migration through ASK; a killed connection is a retryable error; the
// Store's commit (EVALSHA) works on every master, after a migration and after the script
// caches are flushed; the HTTP API's ReadModel reads what the commits kept (states, history,
// listings over every partition, funnel) from every master, also after the script caches
// are flushed; every connection, to each master, logs in as the fixtures' ACL user, and a
// wrong password (cluster or one server) is refused with one line naming the user, never
// the password. Every test uses keys of its own (unique_name()).
#include "tests/support/redis_cluster.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "adapters/kafka/partition/partitioner.hpp"
#include "adapters/redis/cluster_router.hpp"
#include "adapters/redis/connect.hpp"
#include "adapters/redis/read_model.hpp"
#include "adapters/redis/store/store.hpp"
#include "tests/integration/slot_migration.hpp"
#include "tests/support/services.hpp"

namespace enroll::redis {
namespace {

std::string text(const Reply& r) { return {r->str, r->len}; }

using Master = test::SlotMigration::Master;

class RedisClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ns_ = test::unique_name("rc");
    ClusterOptions login;
    login.credentials = url_credentials(cluster_.url());
    router_ = std::make_unique<ClusterRouter>(parse_cluster_url(cluster_.url()), login);
  }

  // The master serving `key`, asked of the masters themselves.
  Master& serving(const std::string& key) { return admin_.serving(key); }
  Master& other_than(const Master& m) { return admin_.other_than(m); }
  // A key whose hash tag is this test's own (so is its slot, as far as chance goes).
  std::string key(const std::string& tag, const std::string& name) const {
    return "{" + ns_ + "/" + tag + "}:" + name;
  }

  test::TestRedisCluster cluster_;
  test::SlotMigration admin_{cluster_.nodes(), cluster_.login()};
  std::string ns_;
  std::unique_ptr<ClusterRouter> router_;
};

TEST_F(RedisClusterTest, SendsEachKeyToTheMasterOfItsSlot) {
  EXPECT_EQ(router_->masters().size(), 3u);
  std::set<std::string> used;
  for (int i = 0; i < 40; ++i) {
    const std::string k = key("t" + std::to_string(i), "k");
    router_->command({k}, {"SET", k, std::to_string(i)});
    Master& node = serving(k);
    EXPECT_EQ(router_->node_of({k}), node.address) << k;
    EXPECT_EQ(text(node.client->command({"GET", k})), std::to_string(i));
    used.insert(node.address.str());
  }
  EXPECT_EQ(used.size(), 3u) << "40 tags should reach every master";
  EXPECT_EQ(router_->counters().moved, 0u);
  EXPECT_EQ(router_->counters().ask, 0u);
}

TEST_F(RedisClusterTest, PipelineOverSeveralMastersKeepsTheCallersOrder) {
  std::vector<RoutedCommand> writes, reads;
  for (int i = 0; i < 30; ++i) {
    const std::string k = key("q" + std::to_string(i), "k");
    writes.push_back({{k}, {"SET", k, "v" + std::to_string(i)}});
    reads.push_back({{k}, {"GET", k}});
  }
  const std::string not_a_number = key("q1", "k");
  reads.insert(reads.begin() + 7, RoutedCommand{{not_a_number}, {"INCR", not_a_number}});
  for (const auto& r : router_->pipeline(writes)) EXPECT_EQ(r->type, REDIS_REPLY_STATUS);
  const auto replies = router_->pipeline(reads);
  ASSERT_EQ(replies.size(), reads.size());
  for (std::size_t i = 0, n = 0; i < replies.size(); ++i) {
    if (i == 7) {  // an error reply stays in its place; the rest is still read
      EXPECT_EQ(replies[i]->type, REDIS_REPLY_ERROR);
      continue;
    }
    EXPECT_EQ(text(replies[i]), "v" + std::to_string(n++));
  }
}

TEST_F(RedisClusterTest, FollowsMovedAfterTheSlotMigratesDuringUse) {
  const std::string a = key("moving", "a"), b = key("moving", "b");
  router_->command({a}, {"SET", a, "1"});
  router_->command({b}, {"SET", b, "2"});
  Master& from = serving(a);
  Master& to = other_than(from);
  const Slot slot = key_slot(a);
  admin_.move(slot, from, to);
  EXPECT_EQ(&serving(a), &to);

  // The router still believes the old owner: MOVED, a fresh map, and the value.
  EXPECT_EQ(router_->node_of({a}), from.address);
  EXPECT_EQ(text(router_->command({a}, {"GET", a})), "1");
  EXPECT_EQ(router_->counters().moved, 1u);
  EXPECT_EQ(router_->node_of({a}), to.address);
  EXPECT_EQ(text(router_->command({b}, {"GET", b})), "2");
  EXPECT_EQ(router_->counters().moved, 1u) << "the map was refreshed: no second MOVED";
  EXPECT_GE(router_->counters().refreshes, 2u);

  // Back again, now met inside a pipeline.
  admin_.move(slot, to, from);
  const auto refreshes = router_->counters().refreshes;
  const auto replies = router_->pipeline({{{a}, {"GET", a}}, {{b}, {"INCR", b}}});
  EXPECT_EQ(text(replies[0]), "1");
  EXPECT_EQ(replies[1]->integer, 3);
  EXPECT_EQ(router_->counters().moved, 3u);                 // both commands met MOVED...
  EXPECT_EQ(router_->counters().refreshes, refreshes + 1);  // ...the map was read once
  EXPECT_EQ(router_->node_of({a}), from.address);
}

TEST_F(RedisClusterTest, FollowsAskWhileTheSlotIsMigrating) {
  const std::string a = key("asked", "a"), b = key("asked", "b"), c = key("asked", "c");
  router_->command({a}, {"SET", a, "on-target"});
  router_->command({b}, {"SET", b, "on-source"});
  Master& from = serving(a);
  Master& to = other_than(from);
  const Slot slot = key_slot(a);
  admin_.begin(slot, from, to);
  admin_.move_keys(from, to, {a});  // a has moved, b has not

  EXPECT_EQ(text(router_->command({a}, {"GET", a})), "on-target");  // ASK -> ASKING + GET
  EXPECT_EQ(router_->counters().ask, 1u);
  EXPECT_EQ(text(router_->command({b}, {"GET", b})), "on-source");  // still served at home
  router_->command({c}, {"SET", c, "new"});  // a new key of a migrating slot: created there
  EXPECT_EQ(router_->counters().ask, 2u);
  EXPECT_EQ(router_->counters().moved, 0u);
  EXPECT_EQ(router_->node_of({a}), from.address) << "ASK does not change the map";

  admin_.finish(slot, from, to);
  EXPECT_EQ(text(router_->command({c}, {"GET", c})), "new");
  EXPECT_EQ(text(router_->command({b}, {"GET", b})), "on-source");
  EXPECT_EQ(router_->counters().moved, 1u);
  EXPECT_EQ(router_->node_of({b}), to.address);
}

TEST_F(RedisClusterTest, LostConnectionIsRetryableAndTheNextCommandReconnects) {
  const std::string k = key("lost", "k");
  router_->command({k}, {"SET", k, "x"});
  const auto id = router_->command({k}, {"CLIENT", "ID"})->integer;
  serving(k).client->command({"CLIENT", "KILL", "ID", std::to_string(id)});
  try {
    router_->command({k}, {"GET", k});
    ADD_FAILURE() << "a killed connection went unnoticed";
  } catch (const RedisError& e) {
    EXPECT_TRUE(e.retryable()) << e.what();
  }
  EXPECT_EQ(text(router_->command({k}, {"GET", k})), "x");
}

TEST_F(RedisClusterTest, SeedsThatCannotServeFailWithOneLine) {
  // Nothing listens: retryable (the cluster may come up).
  try {
    ClusterRouter bad({NodeAddress{"127.0.0.1", 1}});
    ADD_FAILURE() << "no seed answers, yet a router";
  } catch (const RedisError& e) {
    EXPECT_TRUE(e.retryable()) << e.what();
  }
  // A Redis without cluster support (the shared single Redis): a configuration error.
  const test::TestServices services;
  try {
    ClusterOptions login;
    login.credentials = url_credentials(services.redis_url());
    ClusterRouter bad({NodeAddress{services.redis_host(), services.redis_port()}}, login);
    ADD_FAILURE() << "a single Redis taken for a cluster";
  } catch (const RedisError& e) {
    EXPECT_FALSE(e.retryable()) << e.what();
    EXPECT_NE(std::string(e.what()).find("cluster support disabled"), std::string::npos)
        << e.what();
  }
}

// The Store on the cluster, partitions spread over every master.
TEST_F(RedisClusterTest, EveryNodeIsLoggedInAndAWrongPasswordIsOneLineNamingTheUser) {
  // The router's connection to every master (one it learnt from CLUSTER SLOTS, not a seed,
  // too) is the ACL user's.
  const auto whoami = router_->on_every_node({"ACL", "WHOAMI"});
  ASSERT_EQ(whoami.size(), cluster_.nodes().size());
  for (const auto& r : whoami) EXPECT_EQ(text(r), "enroll");
  // A URL with only the first seed: the others are reached with the same login.
  const std::string one_seed = "redis+cluster://" + cluster_.login() + cluster_.nodes().front();
  for (const auto& r : connect(one_seed)->on_every_node({"ACL", "WHOAMI"})) {
    EXPECT_EQ(text(r), "enroll");
  }

  const std::string wrong = "Wr0ngPassw0rd";
  const test::TestServices services;
  const std::string single = "redis://enroll:" + wrong + "@" + services.redis_host() + ":" +
                             std::to_string(services.redis_port()) + "/0";
  const std::string cluster = "redis+cluster://enroll:" + wrong + "@" + cluster_.nodes().front();
  for (const std::string& url : {single, cluster}) {
    try {
      connect(url)->on_every_node({"PING"});
      ADD_FAILURE() << "a wrong password logged in";
    } catch (const RedisError& e) {
      const std::string what = e.what();
      EXPECT_FALSE(e.retryable()) << what;
      EXPECT_NE(what.find("user 'enroll' refused"), std::string::npos) << what;
      EXPECT_EQ(what.find(wrong), std::string::npos) << "the password in the message";
      EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    }
  }
  // Without a login, no command goes through.
  try {
    connect("redis://" + services.redis_host() + ":" + std::to_string(services.redis_port()))
        ->command({"k"}, {"GET", "k"});
    ADD_FAILURE() << "a command without login";
  } catch (const RedisError& e) {
    EXPECT_NE(std::string(e.what()).find("NOAUTH"), std::string::npos) << e.what();
  }
}

TEST_F(RedisClusterTest, StoreCommitsOnEveryMasterAndFollowsAMigratedPartition) {
  Store store(*router_, ns_);
  std::uint64_t commits = 0;  // each commit's name (CommitId)
  // Partition numbers of their own (the tags {p0}..{p11} are other tests' partitions too).
  std::map<std::string, std::int32_t> partition_on;  // node -> partition
  for (std::int32_t p = 90000; partition_on.size() < 3; ++p) {
    partition_on.emplace(router_->node_of({store.state_key(p, RegistrationId("x"))})->str(), p);
  }
  std::vector<std::int32_t> partitions;
  for (const auto& [node, p] : partition_on) partitions.push_back(p);

  const auto commit_one = [&](std::int32_t p, std::int64_t epoch, std::int64_t offset) {
    Registration s;
    s.id = RegistrationId("reg-" + std::to_string(p));
    s.channel = "self-service";
    s.expires_at = from_millis(1000);  // a timer already due
    s.state_version = offset;
    return store.commit(p, epoch, CommitId{++commits}, offset, {{s, state_to_record(s)}},
                        {{"t", s.id.str(), "v" + std::to_string(offset)}});
  };
  std::map<std::int32_t, std::int64_t> epochs;
  for (auto p : partitions) {
    const auto claim = store.claim(p);
    EXPECT_EQ(claim.epoch, 1);
    EXPECT_FALSE(claim.next_offset);
    epochs[p] = claim.epoch;
    EXPECT_EQ(commit_one(p, claim.epoch, 10).size(), 1u);
  }
  const auto due = store.due_timers(partitions, from_millis(2000), 10);  // one pipeline
  for (auto p : partitions) {
    ASSERT_EQ(due.at(p).size(), 1u);
    EXPECT_EQ(due.at(p)[0].id.str(), "reg-" + std::to_string(p));
    const auto loaded = store.load(p, epochs[p], {RegistrationId("reg-" + std::to_string(p))});
    EXPECT_EQ(loaded.states.begin()->second->state_version, 10);
    EXPECT_EQ(store.pending_outbox(p).size(), 1u);
  }

  // A partition's slot moves to another master: the next commit follows MOVED, its script
  // is there already (loaded on every master at start).
  const auto moved = partitions[0];
  Master& from = serving(store.state_key(moved, RegistrationId("reg-" + std::to_string(moved))));
  Master& to = other_than(from);
  const Slot slot = key_slot(store.state_key(moved, RegistrationId("x")));
  admin_.move(slot, from, to);
  EXPECT_EQ(commit_one(moved, epochs[moved], 11).size(), 1u);
  EXPECT_GE(router_->counters().moved, 1u);
  EXPECT_EQ(store.claim(moved).next_offset, 11);  // the offset moved with the slot
  epochs[moved] = 2;
  EXPECT_THROW(commit_one(moved, 1, 12), StaleEpochError);  // fencing works there too

  // Every master forgets its scripts (a restart): the commit loads it again where needed.
  for (auto& m : admin_.masters()) m.client->command({"SCRIPT", "FLUSH"});
  for (auto p : partitions) EXPECT_EQ(commit_one(p, epochs[p], 20).size(), 1u);
  // Every partition's delivered entries acknowledged in one call (a pipeline per node).
  std::map<std::int32_t, std::vector<std::string>> delivered;
  for (auto p : partitions) {
    const auto outbox = store.pending_outbox(p);
    EXPECT_EQ(outbox.back().message.value, "v20");
    for (const auto& e : outbox) delivered[p].push_back(e.entry_id);
  }
  store.ack_outbox(delivered);
  for (auto p : partitions) EXPECT_TRUE(store.pending_outbox(p).empty()) << "partition " << p;
}

// The read side on the cluster: commit.lua keeps indexes, meta, funnel and history beside the
// states in each partition's slot (undeclared keys of the declared keys' slot), and the
// ReadModel reads them on the master of each partition, the listing's script included.
TEST_F(RedisClusterTest, ReadModelReadsThePartitionsOfEveryMaster) {
  constexpr std::int32_t kPartitions = 12;  // {p0}..{p11}: slots on all three masters
  Store store(*router_, ns_);
  std::uint64_t commits = 0;  // each commit's name (CommitId)
  ReadModel model(*router_, ns_, kPartitions);
  std::map<std::int32_t, std::int64_t> epochs;
  for (std::int32_t p = 0; p < kPartitions; ++p) epochs[p] = store.claim(p).epoch;
  std::vector<std::string> ids;
  std::set<std::string> masters;
  for (int i = 0; i < 24; ++i) {
    Registration s;
    s.id = RegistrationId("reg-" + std::to_string(i));
    s.channel = "kiosk";
    s.phase = RegistrationState::card;
    s.position.state = RegistrationState::card;
    s.updated_at = from_millis(1000 + i);
    s.expires_at = from_millis(10'000'000);
    const auto p = kafka::partition_for(s.id.str(), kPartitions);
    store.commit(p, epochs[p], CommitId{++commits}, std::nullopt, {{s, state_to_record(s)}},
                 {{"t.audit", s.id.str(), "e", R"({"seq":1})"},
                  {"t.audit", s.id.str(), "e", R"({"seq":2})"}});
    ids.push_back(s.id.str());
    masters.insert(router_->node_of({store.state_key(p, s.id)})->str());
  }
  EXPECT_EQ(masters.size(), 3u);

  model.ping();  // every master
  for (const auto& id : ids) {
    ASSERT_TRUE(model.registration(RegistrationId(id)).state) << id;
    const auto history = model.history(RegistrationId(id), 1, 10);
    ASSERT_TRUE(history) << id;
    EXPECT_EQ(history->total, 2);
    ASSERT_EQ(history->records.size(), 1u);
    EXPECT_EQ(nlohmann::json::parse(history->records[0]).at("seq"), 2);
  }
  const auto list_all = [&] {
    std::vector<std::string> out;
    std::optional<ListPosition> after;
    for (int pages = 0; pages < 100; ++pages) {
      const auto page =
          model.list({.phase = RegistrationState::card, .channel = "kiosk"}, after, 5);
      for (const auto& item : page.items) out.push_back(item.position.id);
      if (!page.next) break;
      after = page.next;
    }
    return out;
  };
  EXPECT_EQ(list_all(), ids);  // by last change: the order of the commits
  const auto funnel = model.funnel();
  EXPECT_EQ(funnel.at("kiosk").at("reached:card"), 24);
  EXPECT_EQ(funnel.at("kiosk").at("active:card"), 24);

  // Every master forgets its scripts: the listing runs list.lua by its text (EVAL_RO).
  for (auto& m : admin_.masters()) m.client->command({"SCRIPT", "FLUSH"});
  EXPECT_EQ(list_all(), ids);
}

}  // namespace
}  // namespace enroll::redis
