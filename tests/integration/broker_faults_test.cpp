// Dev broker faults while registrations are in flight: a broker down and up again, partition
// leaders moved, produce and fetch requests failing with NOT_LEADER_FOR_PARTITION. Every
// registration still ends issued, exactly once. RUN_SERIAL: the broker is shared.
#include <thread>

#include "tests/integration/orchestrator_fixture.hpp"

namespace enroll::test {
namespace {
using namespace std::chrono_literals;

class BrokerFaultsTest : public OrchestratorTest {
 protected:
  void TearDown() override {
    // Whatever happened, leave the shared broker healthy for the tests after this one.
    services_.control("broker up 1");
    services_.control("request-errors clear Produce");
    services_.control("request-errors clear Fetch");
    OrchestratorTest::TearDown();
  }
  void expect_ok(const std::string& command) {
    const auto reply = services_.control(command);
    EXPECT_EQ(reply.rfind("ok", 0), 0u) << command << ": " << reply;
  }
};

TEST_F(BrokerFaultsTest, RegistrationsSurviveBrokerFaults) {
  sim::CitizenDriver driver(keys_.passcode_seal.pub, "/test/citizen", "self-service");
  std::vector<std::string> ids;
  for (int i = 0; i < 80; ++i) {
    ids.push_back(unique_name("bf"));
    const auto start = driver.start(ids.back(), 3000 + static_cast<std::uint64_t>(i),
                                    "self-service", sim::Persona::none);
    send(start.key, start.value);
  }
  std::thread faults([this] {
    std::this_thread::sleep_for(3s);
    expect_ok("broker down 1");
    std::this_thread::sleep_for(3s);
    expect_ok("broker up 1");
    std::this_thread::sleep_for(1s);
    expect_ok("leader " + topics_.inbox() + " 0 2");
    expect_ok("leader " + topics_.events() + " 1 3");
    expect_ok("leader " + topics_.requests("registry") + " 2 1");
    std::this_thread::sleep_for(1s);
    expect_ok("request-errors Produce NOT_LEADER_FOR_PARTITION 5");
    expect_ok("request-errors Fetch NOT_LEADER_FOR_PARTITION 5");
  });
  drive(driver, ids, 240s);
  faults.join();
  std::size_t issued = 0;
  for (const auto& id : ids) issued += driver.outcome_of(id) == sim::Outcome::issued ? 1 : 0;
  EXPECT_EQ(issued, ids.size());
  expect_exactly_once(ids);
}

}  // namespace
}  // namespace enroll::test
