// Several enrollmentd instances in one consumer group share the inbox partitions. One is
// killed, or stopped past the session timeout and resumed (its stale commits must be
// refused by the partition epochs): the registrations still all end issued, exactly once.
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
    auto options = *daemon_options_;
    options.log_file = work_ / "enrollmentd-2.log";
    for (auto& arg : options.argv) {
      if (arg == "it") arg = "it-2";  // --instance
    }
    second_ = std::make_unique<ChildProcess>(options);
  }
  void TearDown() override {
    const int status = second_->stop();
    EXPECT_EQ(status, 0) << second_->log();
    if (HasFailure()) std::cerr << "--- enrollmentd 2 log ---\n" << second_->log() << "\n";
    OrchestratorTest::TearDown();
  }
  std::vector<std::string> start_many(int n, std::uint64_t first, sim::CitizenDriver& driver) {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) {
      ids.push_back(unique_name("scale"));
      const auto start = driver.start(ids.back(), first + static_cast<std::uint64_t>(i),
                                      "self-service", sim::Persona::none);
      send(start.key, start.value);
    }
    return ids;
  }
  std::size_t issued(const sim::CitizenDriver& driver, const std::vector<std::string>& ids) {
    std::size_t n = 0;
    for (const auto& id : ids) n += driver.outcome_of(id) == sim::Outcome::issued ? 1 : 0;
    return n;
  }
  std::unique_ptr<ChildProcess> second_;
};

TEST_F(ScaleOutTest, TheSurvivorTakesOverTheKilledInstancesPartitions) {
  sim::CitizenDriver driver(keys_.passcode_seal.pub, "/test/citizen", "self-service");
  const auto ids = start_many(120, 8000, driver);
  std::thread killer([this] {
    std::this_thread::sleep_for(5s);
    daemon_->signal(SIGKILL);  // the first instance dies and stays dead
  });
  drive(driver, ids, 240s);
  killer.join();
  EXPECT_EQ(issued(driver, ids), ids.size());
  expect_exactly_once(ids);
  // Start it again so that TearDown's clean stop has an instance to stop.
  restart_daemon(SIGKILL);
}

TEST_F(ScaleOutTest, APausedInstanceCannotOverwriteNewerState) {
  sim::CitizenDriver driver(keys_.passcode_seal.pub, "/test/citizen", "self-service");
  const auto ids = start_many(120, 9000, driver);
  std::thread pauser([this] {
    std::this_thread::sleep_for(4s);
    second_->signal(SIGSTOP);  // past the 6 s session timeout: the group rebalances
    std::this_thread::sleep_for(12s);
    second_->signal(SIGCONT);  // whatever it had in hand is now stale
  });
  drive(driver, ids, 240s);
  pauser.join();
  EXPECT_EQ(issued(driver, ids), ids.size());
  expect_exactly_once(ids);
}

}  // namespace
}  // namespace enroll::test
