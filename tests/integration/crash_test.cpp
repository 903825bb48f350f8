// Crashes: enrollmentd killed with SIGKILL at random points, five times, while 1,000
// registrations are in flight, and started again each time. No registration may be lost and
// no transition applied twice: every registration is issued, its audit chain is one unbroken
// chain as long as the stored audit_seq, and a fault-free reference run on the same inputs
// reaches the same states, audit chains and emitted events. On the 3-node Kafka cluster
// (KAFKA_CLUSTER: replication factor 3, min.insync.replicas=2).
#include <signal.h>

#include <atomic>
#include <cstdlib>
#include <iostream>
#include <random>
#include <thread>

#include "tests/integration/orchestrator_fixture.hpp"

namespace enroll::test {
namespace {
using namespace std::chrono_literals;

class CrashTest : public OrchestratorTest {};

// ENROLL_TEST_SEED=<n> replays the kill points of an earlier run.
std::uint64_t seed() {
  if (const char* s = std::getenv("ENROLL_TEST_SEED")) return std::strtoull(s, nullptr, 10);
  return std::random_device{}();
}

TEST_F(CrashTest, KilledFiveTimesAtRandomLosesNothingAndMatchesTheReference) {
  constexpr int kRegistrations = 1000;
  constexpr int kCrashes = 5;
  const std::uint64_t s = seed();
  std::cout << "kill points from ENROLL_TEST_SEED=" << s << "\n";
  std::mt19937_64 random(s);
  std::uniform_int_distribution<int> pause_ms(500, 6000);

  sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
  const auto ids = start_self_service(driver, kRegistrations, 7000, "crash");
  std::atomic<bool> driving{true};
  int crashes_in_flight = 0;
  std::thread crasher([&] {
    for (int crash = 0; crash < kCrashes; ++crash) {
      std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms(random)));
      if (driving) ++crashes_in_flight;
      restart_daemon(SIGKILL);
    }
  });
  drive(driver, ids, 600s);
  driving = false;
  crasher.join();
  EXPECT_EQ(crashes_in_flight, kCrashes) << "the run ended before every crash";

  EXPECT_EQ(issued(driver, ids), ids.size())
      << "registrations lost or stuck after the crashes:" << unfinished(driver, ids);

  // Six instances ran one after the other.
  const std::string log = daemon_->log();
  std::size_t starts = 0;
  for (auto at = log.find("enrollmentd ready"); at != std::string::npos;
       at = log.find("enrollmentd ready", at + 1)) {
    ++starts;
  }
  EXPECT_EQ(starts, kCrashes + 1u) << log;

  expect_exactly_once(ids);
  expect_matches_reference(600s);
}

}  // namespace
}  // namespace enroll::test
