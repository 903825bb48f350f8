// Redis killed with SIGKILL mid-run and started again from its append-only file
// (appendfsync always): enrollmentd retries until Redis is back, and every registration
// still ends issued, exactly once. The test brings its own Redis (the shared one serves the
// other tests); Kafka is the 3-node cluster (KAFKA_CLUSTER).
#include <signal.h>

#include <thread>

#include "adapters/redis/connect.hpp"
#include "tests/integration/orchestrator_fixture.hpp"
#include "tests/integration/private_redis.hpp"

namespace enroll::test {
namespace {
using namespace std::chrono_literals;

class RedisCrashTest : public OrchestratorTest {
 protected:
  void SetUp() override {
    redis_server_ = std::make_unique<PrivateRedis>(
        "redis-crash", "appendonly yes\nappendfsync always\nsave \"\"\n");
    OrchestratorTest::SetUp();
  }
  void TearDown() override {
    OrchestratorTest::TearDown();
    redis_server_.reset();
  }
  std::string redis_url() override { return redis_server_->url(); }

  std::unique_ptr<PrivateRedis> redis_server_;
};

TEST_F(RedisCrashTest, KilledAndRestartedFromItsAofLosesNothing) {
  sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
  const auto ids = start_self_service(driver, 80, 6000, "aof");
  bool met_dead_redis = false;
  std::thread crasher([this, &met_dead_redis] {
    std::this_thread::sleep_for(4s);
    redis_server_->process().signal(SIGKILL);
    redis_server_->process().wait_exit(10s);
    // Redis stays down until enrollmentd has met it dead (and waits for it), however slowly a
    // loaded machine brings the consumer group to work; at least 2 s.
    const auto down_since = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - down_since < 60s) {
      met_dead_redis = daemon_->log().find("retrying in") != std::string::npos;
      if (met_dead_redis && std::chrono::steady_clock::now() - down_since >= 2s) break;
      std::this_thread::sleep_for(200ms);
    }
    try {
      redis_server_->start();  // from its AOF
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
    }
  });
  drive(driver, ids, 300s);
  crasher.join();
  // enrollmentd did meet the dead Redis while registrations were open.
  EXPECT_TRUE(met_dead_redis) << daemon_->log();
  EXPECT_EQ(issued(driver, ids), ids.size()) << unfinished(driver, ids);
  redis_ = redis::connect(redis_url());
  expect_exactly_once(ids);
  expect_matches_reference();
}

}  // namespace
}  // namespace enroll::test
