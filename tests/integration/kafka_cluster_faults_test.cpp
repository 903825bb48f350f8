// The fault suite on Apache Kafka's 3-node cluster (the kafka_cluster fixture: each topic at
// replication factor 3 with min.insync.replicas=2, as in production), while registrations are
// in flight: the leader of most inbox partitions killed with SIGKILL and brought back; a
// rolling restart of all three nodes; a node SIGSTOPped past the brokers' session timeout
// (broker.session.timeout.ms, 9 s: the controller fences it) and resumed. Every registration
// still ends issued, exactly once, as in a fault-free reference run on the same inputs.
// The nodes are driven by ops/kafka/node. The cluster's other tests wait (its RESOURCE_LOCK).
#include <set>

#include "tests/integration/orchestrator_fixture.hpp"

namespace enroll::test {
namespace {
using namespace std::chrono_literals;

std::filesystem::path cluster_dir() {
  const char* dir = std::getenv("ENROLL_TEST_KAFKA_CLUSTER");
  if (dir == nullptr || *dir == '\0') {
    throw std::runtime_error(
        "ENROLL_TEST_KAFKA_CLUSTER is not set: run this test through ctest (fixture "
        "'kafka_cluster'), or run `ops/kafka/start DIR --brokers 3` and export "
        "ENROLL_TEST_KAFKA_CLUSTER=DIR");
  }
  return dir;
}

class KafkaClusterFaultsTest : public OrchestratorTest {
 protected:
  // The fixture's services already name the cluster (KAFKA_CLUSTER); refuse to run without it.
  KafkaClusterFaultsTest() { cluster_dir(); }

  void TearDown() override {
    // Whatever happened, every node runs again for the tests after this one.
    for (int id = 1; id <= 3; ++id) {
      std::string said;
      run_node({std::to_string(id), "resume"}, said);
      if (run_node({std::to_string(id), "start"}, said) != 0 &&
          said.find("is running") == std::string::npos) {
        ADD_FAILURE() << "node " << id << " did not start again: " << said;
      }
    }
    OrchestratorTest::TearDown();
  }

  // ops/kafka/node DIR ARGS...: its exit status, and what it said in `said`.
  int run_node(const std::vector<std::string>& args, std::string& said) {
    std::vector<std::string> argv{std::string(ENROLL_SOURCE_DIR) + "/ops/kafka/node",
                                  cluster_dir().string()};
    argv.insert(argv.end(), args.begin(), args.end());
    ChildProcess node(ChildProcess::Options{argv, work_ / "node.log"});
    const auto status = node.wait_exit(120s);
    said = node.log();
    return status.value_or(-1);
  }
  // Runs ops/kafka/node and fails the test unless it succeeds; returns what it printed.
  std::string node(const std::vector<std::string>& args) {
    std::string said;
    const int status = run_node(args, said);
    std::string command;
    for (const auto& a : args) command += " " + a;
    EXPECT_EQ(status, 0) << "ops/kafka/node" << command << ": " << said;
    std::cout << "ops/kafka/node" << command << (said.empty() ? "" : ": " + said)
              << (said.empty() || said.back() != '\n' ? "\n" : "");
    return said;
  }
  // The node id that leads most of the inbox's partitions.
  std::string inbox_leader() {
    auto id = node({"leader", topics_.inbox()});
    while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
    return id;
  }

  // Drives 80 self-service registrations while `schedule` runs (each step once its time has
  // come, on the test's thread between polls), then the suite's checks.
  struct Step {
    std::chrono::milliseconds at;
    std::function<void()> act;
  };
  void run_with(const std::vector<Step>& schedule, std::uint64_t first_citizen) {
    sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
    const auto ids = start_self_service(driver, 80, first_citizen, "kf");
    std::size_t next = 0;
    DriveOptions options;
    options.on_tick = [&](std::chrono::steady_clock::duration elapsed) {
      for (; next < schedule.size() && elapsed >= schedule[next].at; ++next) schedule[next].act();
    };
    drive(driver, ids, 300s, options);
    EXPECT_EQ(next, schedule.size()) << "the run ended before every fault was injected";
    EXPECT_EQ(issued(driver, ids), ids.size()) << unfinished(driver, ids);
    expect_exactly_once(ids);
    expect_matches_reference();
  }
};

TEST_F(KafkaClusterFaultsTest, TheInboxLeaderKilledAndBroughtBack) {
  std::string leader;
  run_with({{2s,
             [&] {
               leader = inbox_leader();
               node({leader, "kill"});
             }},
            {12s,
             [&] {
               node({leader, "start"});
             }}},
           9000);
}

TEST_F(KafkaClusterFaultsTest, ARollingRestartOfEveryNode) {
  std::vector<Step> schedule;
  for (int id = 1; id <= 3; ++id) {
    schedule.push_back({std::chrono::seconds(2 + 2 * id), [this, id] {
                          node({std::to_string(id), "stop"});
                          node({std::to_string(id), "start"});
                        }});
  }
  run_with(schedule, 9100);
}

TEST_F(KafkaClusterFaultsTest, ANodePausedPastItsSessionTimeout) {
  std::string leader;
  run_with({{2s,
             [&] {
               leader = inbox_leader();
               node({leader, "pause"});
             }},
            // broker.session.timeout.ms is 9 s: by 17 s the controller has fenced it.
            {17s,
             [&] {
               node({leader, "resume"});
             }}},
           9200);
}

}  // namespace
}  // namespace enroll::test
