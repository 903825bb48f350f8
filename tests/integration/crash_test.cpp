// Crashes: enrollmentd killed with SIGKILL twice while registrations are in flight, and
// started again. No registration may be lost and no transition applied twice: every
// registration is issued, and its audit chain (duplicates of re-sent outbox entries dropped
// by their deterministic ids) is one unbroken chain whose length is the stored audit_seq.
#include <signal.h>

#include <thread>

#include "tests/integration/orchestrator_fixture.hpp"

namespace enroll::test {
namespace {
using namespace std::chrono_literals;

class CrashTest : public OrchestratorTest {};

TEST_F(CrashTest, KilledTwiceMidRunLosesNothingAndAppliesNothingTwice) {
  constexpr int kRegistrations = 120;
  sim::CitizenDriver driver(keys_.passcode_seal.pub, "/test/citizen", "self-service");
  std::vector<std::string> ids;
  for (int i = 0; i < kRegistrations; ++i) {
    ids.push_back(unique_name("crash"));
    const auto start = driver.start(ids.back(), 7000 + static_cast<std::uint64_t>(i),
                                    "self-service", sim::Persona::none);
    send(start.key, start.value);
  }
  std::thread crasher([this] {
    for (int crash = 0; crash < 2; ++crash) {
      std::this_thread::sleep_for(4s);
      restart_daemon(SIGKILL);
    }
  });
  const auto events = drive(driver, ids, 240s);
  crasher.join();

  std::size_t issued = 0;
  for (const auto& id : ids) issued += driver.outcome_of(id) == sim::Outcome::issued ? 1 : 0;
  EXPECT_EQ(issued, ids.size()) << "registrations lost or stuck after the crashes";

  expect_exactly_once(ids);

  // The crashes happened while registrations were in flight: three instances started.
  const std::string log = daemon_->log();
  std::size_t starts = 0;
  for (auto at = log.find("enrollmentd ready"); at != std::string::npos;
       at = log.find("enrollmentd ready", at + 1)) {
    ++starts;
  }
  EXPECT_EQ(starts, 3u) << log;
  (void)events;
}

}  // namespace
}  // namespace enroll::test
