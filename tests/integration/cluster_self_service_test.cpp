// enrollmentd on a Redis Cluster of 3 masters (the `redis_cluster` fixture, reached with
// --redis redis+cluster://...): self-service registrations go from start to issued, exactly
// once, and the partitions' keys are spread over the masters, each partition's keys on the
// one master that serves its hash tag's slot; and again while the slots of a master's
// partitions are migrated to another master mid-run. The HTTP API reads the same cluster:
// status, history, a listing over every partition, the funnel, /readyz and /metrics.
#include <map>
#include <regex>
#include <set>
#include <thread>

#include "adapters/redis/cluster_router.hpp"
#include "adapters/redis/connect.hpp"
#include "sim/citizen_driver.hpp"
#include "tests/integration/orchestrator_fixture.hpp"
#include "tests/integration/slot_migration.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/redis_cluster.hpp"

namespace enroll::test {
namespace {
using namespace std::chrono_literals;
using redis::Slot;

class ClusterSelfServiceTest : public OrchestratorTest {
 protected:
  std::string redis_url() override { return cluster_.url(); }

  void expect_issued(sim::CitizenDriver& driver, const std::vector<std::string>& ids) {
    for (const auto& id : ids) {
      EXPECT_EQ(driver.outcome_of(id), sim::Outcome::issued) << id;
      const auto state = stored_state(id);
      ASSERT_TRUE(state.has_value()) << id;
      EXPECT_EQ(state->at("machine"), "issued");
    }
    expect_exactly_once(ids);
  }
  // The HTTP API answers from the cluster: every registration of `ids` (all issued) with its
  // state and its history's count (an issued one's records are not kept in Redis, only
  // counted as dropped: issue 16), the listing of issued ones over all partitions (so all masters),
  // the funnel, readiness (PING on every master) and Redis' figures in /metrics.
  void expect_api_sees_issued(const std::vector<std::string>& ids) {
    const auto port = http_port();
    const auto ready = http_get(port, "/readyz");
    EXPECT_EQ(ready.status, 200) << ready.body;
    for (const auto& id : ids) {
      const auto status = http_get(port, "/v1/registrations/" + id, reader_token_);
      ASSERT_EQ(status.status, 200) << id << ": " << status.body;
      EXPECT_EQ(status.json().at("status"), "issued") << status.body;
      const auto history =
          http_get(port, "/v1/registrations/" + id + "/history?limit=100", reader_token_);
      ASSERT_EQ(history.status, 200) << id << ": " << history.body;
      EXPECT_EQ(history.json().at("total"), 0) << id;
      EXPECT_EQ(history.json().at("dropped"), stored_state(id)->at("audit_seq")) << id;
    }
    const auto listing = http_get(port, "/v1/registrations?status=issued&limit=100", reader_token_);
    ASSERT_EQ(listing.status, 200) << listing.body;
    const auto page = listing.json();  // named: a loop over a temporary's member dangles
    std::set<std::string> listed;
    for (const auto& item : page.at("items")) listed.insert(item.at("id"));
    EXPECT_EQ(listed, std::set<std::string>(ids.begin(), ids.end()));
    EXPECT_TRUE(page.at("next_cursor").is_null());
    const auto funnel = http_get(port, "/v1/stats/funnel", reader_token_);
    ASSERT_EQ(funnel.status, 200) << funnel.body;
    const auto self_service = funnel.json().at("channels").at("self-service");
    EXPECT_EQ(self_service.at("status").at("issued"), ids.size()) << funnel.body;
    EXPECT_EQ(self_service.at("reached").at("issued"), ids.size()) << funnel.body;
    const auto metrics = http_get(port, "/metrics");
    ASSERT_EQ(metrics.status, 200);
    EXPECT_NE(metrics.body.find("\nenroll_redis_up 1\n"), std::string::npos) << metrics.body;
  }
  std::string epoch_key(int partition) const {
    return ns_ + ":{p" + std::to_string(partition) + "}:epoch";
  }

  TestRedisCluster cluster_;
};

TEST_F(ClusterSelfServiceTest, RegistrationsAreIssuedAndPartitionsSpreadOverTheMasters) {
  sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
  const auto ids = start_self_service(driver, 4, 7100, "cl");
  drive(driver, ids, 120s);
  expect_issued(driver, ids);
  expect_api_sees_issued(ids);

  // Each master's own keys (KEYS runs on one node only): partition -> the masters holding
  // its keys.
  const std::regex tag(":\\{p([0-9]+)\\}:");
  std::map<int, std::set<std::string>> holders;
  std::set<std::string> masters_used;
  for (const auto& address : cluster_.nodes()) {
    redis::Client node(redis::parse_redis_url("redis://" + cluster_.login() + address));
    const auto keys = node.command({"KEYS", ns_ + ":*"});
    for (std::size_t i = 0; i < keys->elements; ++i) {
      const std::string key(keys->element[i]->str, keys->element[i]->len);
      std::smatch m;
      if (!std::regex_search(key, m, tag)) continue;  // the citizen claims (released by now)
      holders[std::stoi(m[1])].insert(address);
      masters_used.insert(address);
    }
  }
  // Every partition was claimed (its epoch key), each on one master, the one of its slot.
  redis::ClusterOptions login;
  login.credentials = redis::url_credentials(cluster_.url());
  redis::ClusterRouter router(redis::parse_cluster_url(cluster_.url()), login);
  EXPECT_EQ(holders.size(), 12u);
  for (const auto& [partition, nodes] : holders) {
    ASSERT_EQ(nodes.size(), 1u) << "partition " << partition << " split over masters";
    EXPECT_EQ(router.node_of({epoch_key(partition)})->str(), *nodes.begin())
        << "partition " << partition;
  }
  // {p0}..{p11} hash to slots in every third of the slot range: all three masters hold some.
  EXPECT_EQ(masters_used.size(), cluster_.nodes().size());
}

TEST_F(ClusterSelfServiceTest, PartitionsMigratedToAnotherMasterMidRunLoseNothing) {
  sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
  // The API's connection learns the slot map now; its reads after the migration meet MOVED.
  EXPECT_EQ(http_get(http_port(), "/healthz").status, 200);
  EXPECT_EQ(http_get(http_port(), "/v1/stats/funnel", reader_token_).status, 200);
  const auto ids = start_self_service(driver, 12, 7200, "cl");
  // While the registrations run, the slots of every partition on one master move to
  // another (keys and all), one after the other, and back at the end. enrollmentd meets
  // MOVED, ASK and TRYAGAIN on its commits, loads and timer reads.
  SlotMigration admin(cluster_.nodes(), cluster_.login());
  auto& from = admin.serving(epoch_key(0));
  auto& to = admin.other_than(from);
  std::vector<Slot> moved;
  std::string failure;
  std::thread migrator([&] {
    try {
      std::this_thread::sleep_for(3s);
      for (int p = 0; p < 12; ++p) {
        if (&admin.serving(epoch_key(p)) != &from) continue;
        admin.move(redis::key_slot(epoch_key(p)), from, to);
        moved.push_back(redis::key_slot(epoch_key(p)));
        std::this_thread::sleep_for(300ms);
      }
    } catch (const std::exception& e) {
      failure = e.what();
    }
  });
  drive(driver, ids, 120s);
  migrator.join();
  ASSERT_EQ(failure, "");
  ASSERT_FALSE(moved.empty());
  for (int p = 0; p < 12; ++p) {
    EXPECT_NE(&admin.serving(epoch_key(p)), &from) << "partition " << p << " stayed";
  }
  expect_issued(driver, ids);
  EXPECT_NE(daemon_->log().find("redis cluster: slot"), std::string::npos) << daemon_->log();
  expect_api_sees_issued(ids);
  // Back where they were, for the other tests of this cluster.
  for (const auto slot : moved) admin.move(slot, to, from);
}

}  // namespace
}  // namespace enroll::test
