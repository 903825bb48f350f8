// Dev broker faults while registrations are in flight: a broker down and up again, partition
// leaders moved, produce and fetch requests failing with NOT_LEADER_FOR_PARTITION. Every
// registration still ends issued, exactly once, as in a fault-free reference run.
// On the mock dev broker (DEVBROKER), not Apache Kafka: a real broker cannot be made to fail
// chosen requests with a chosen error code, nor to move one partition's leader on demand.
// The broker's other tests wait (its RESOURCE_LOCK). The faults are injected from the test's own
// thread, between polls, so that a failing control call fails the test instead of aborting it.
#include "tests/integration/orchestrator_fixture.hpp"

namespace enroll::test {
namespace {
using namespace std::chrono_literals;

class BrokerFaultsTest : public OrchestratorTest {
 protected:
  void TearDown() override {
    // Whatever happened, leave the shared broker healthy for the tests after this one.
    for (const char* command :
         {"broker up 1", "request-errors clear Produce", "request-errors clear Fetch"}) {
      try {
        services_.control(command);
      } catch (const std::exception& e) {
        ADD_FAILURE() << command << ": " << e.what();
      }
    }
    OrchestratorTest::TearDown();
  }
  void expect_ok(const std::string& command) {
    const auto reply = services_.control(command);
    EXPECT_EQ(reply.rfind("ok", 0), 0u) << command << ": " << reply;
  }
};

TEST_F(BrokerFaultsTest, RegistrationsSurviveBrokerFaults) {
  sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
  const auto ids = start_self_service(driver, 80, 3000, "bf");
  // The schedule: each step once its time has come.
  struct Step {
    std::chrono::milliseconds at;
    std::vector<std::string> commands;
  };
  const std::vector<Step> schedule{
      {3s, {"broker down 1"}},
      {6s, {"broker up 1"}},
      {7s,
       {"leader " + topics_.inbox() + " 0 2", "leader " + topics_.events() + " 1 3",
        "leader " + topics_.requests("registry") + " 2 1"}},
      {8s,
       {"request-errors Produce NOT_LEADER_FOR_PARTITION 5",
        "request-errors Fetch NOT_LEADER_FOR_PARTITION 5"}},
  };
  std::size_t next = 0;
  DriveOptions options;
  options.on_tick = [&](std::chrono::steady_clock::duration elapsed) {
    for (; next < schedule.size() && elapsed >= schedule[next].at; ++next) {
      for (const auto& command : schedule[next].commands) expect_ok(command);
    }
  };
  // The mock cluster has been seen to acknowledge a citizen's command that it then does not
  // hold (1 run in ~8, after these faults): the citizen's app sends it again, as a real one
  // would. What enrollmentd did with what the inbox holds is checked below all the same.
  options.resend_after = 20s;
  drive(driver, ids, 240s, options);
  EXPECT_EQ(next, schedule.size()) << "the run ended before every fault was injected";
  EXPECT_EQ(issued(driver, ids), ids.size()) << unfinished(driver, ids);
  expect_exactly_once(ids);
  expect_matches_reference();
}

}  // namespace
}  // namespace enroll::test
