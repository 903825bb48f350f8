// Three enrollmentd instances in one consumer group share the inbox partitions. One is
// killed (the others take over its partitions), or stopped past the session timeout and
// resumed (its stale commits must be refused by the partition epochs): the registrations
// still all end issued, exactly once, as in a fault-free reference run. On the 3-node Kafka
// cluster (KAFKA_CLUSTER), where the group coordinator is a real broker's.
#include <signal.h>

#include <thread>

#include "tests/integration/orchestrator_fixture.hpp"

namespace enroll::test {
namespace {
using namespace std::chrono_literals;

class ScaleOutTest : public OrchestratorTest {
 protected:
  void SetUp() override {
    OrchestratorTest::SetUp();
    for (const char* instance : {"it-2", "it-3"}) {
      auto options = *daemon_options_;
      options.log_file = work_ / (std::string("enrollmentd-") + instance + ".log");
      for (auto& arg : options.argv) {
        if (arg == "it") arg = instance;  // --instance
        if (arg == (work_ / "http.port").string()) {
          arg = (work_ / (std::string("http-") + instance + ".port")).string();
        }
      }
      others_.push_back(std::make_unique<ChildProcess>(options));
    }
  }
  void TearDown() override {
    for (auto& other : others_) {
      const int status = other->stop();
      EXPECT_EQ(status, 0) << other->log();
      if (HasFailure()) std::cerr << "--- " << other->log_file() << " ---\n" << other->log();
    }
    OrchestratorTest::TearDown();
  }
  std::vector<ChildProcess*> instances() override {
    return {daemon_.get(), others_[0].get(), others_[1].get()};
  }
  // Whether `instance` said it owned partitions, i.e. took part in the work.
  static bool took_part(const ChildProcess& instance) {
    return instance.log().find(" assigned: epoch") != std::string::npos;
  }
  std::vector<std::unique_ptr<ChildProcess>> others_;
};

TEST_F(ScaleOutTest, TheOthersTakeOverTheKilledInstancesPartitions) {
  sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
  const auto ids = start_self_service(driver, 150, 8000, "scale");
  std::thread killer([this] {
    std::this_thread::sleep_for(5s);
    daemon_->signal(SIGKILL);  // the first instance dies and stays dead
  });
  drive(driver, ids, 240s);
  killer.join();
  EXPECT_EQ(issued(driver, ids), ids.size()) << unfinished(driver, ids);
  for (const auto& other : others_) EXPECT_TRUE(took_part(*other)) << other->log();
  expect_exactly_once(ids);
  // Start it again so that every instance can be stopped cleanly for the reference check.
  restart_daemon(SIGKILL);
  expect_matches_reference();
}

TEST_F(ScaleOutTest, APausedInstanceCannotOverwriteNewerState) {
  sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
  const auto ids = start_self_service(driver, 150, 9000, "scale");
  std::thread pauser([this] {
    std::this_thread::sleep_for(4s);
    others_[0]->signal(SIGSTOP);  // past the 6 s session timeout: the group rebalances
    std::this_thread::sleep_for(12s);
    others_[0]->signal(SIGCONT);  // whatever it had in hand is now stale
  });
  drive(driver, ids, 240s);
  pauser.join();
  EXPECT_EQ(issued(driver, ids), ids.size()) << unfinished(driver, ids);
  expect_exactly_once(ids);
  expect_matches_reference();
}

}  // namespace
}  // namespace enroll::test
