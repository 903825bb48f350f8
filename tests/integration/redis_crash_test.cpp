// Redis killed with SIGKILL mid-run and started again from its append-only file
// (appendfsync always): enrollmentd retries until Redis is back, and every registration
// still ends issued, exactly once. The test brings its own Redis (the shared one serves the
// other tests); Kafka is the 3-node cluster (KAFKA_CLUSTER).
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "adapters/redis/connect.hpp"
#include "tests/integration/orchestrator_fixture.hpp"

namespace enroll::test {
namespace {
using namespace std::chrono_literals;

int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    throw std::runtime_error("no free port");
  }
  close(fd);
  return ntohs(addr.sin_port);
}

class RedisCrashTest : public OrchestratorTest {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / unique_name("redis");
    std::filesystem::create_directories(dir_);
    port_ = free_port();
    std::ofstream(dir_ / "redis.conf")
        << "bind 127.0.0.1\nport " << port_ << "\ndir " << dir_.string()
        << "\nappendonly yes\nappendfsync always\nsave \"\"\n";
    start_redis();
    OrchestratorTest::SetUp();
  }
  void TearDown() override {
    OrchestratorTest::TearDown();
    redis_server_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string redis_url() override { return "redis://127.0.0.1:" + std::to_string(port_) + "/0"; }

  void start_redis() {
    redis_server_ = std::make_unique<ChildProcess>(ChildProcess::Options{
        {"redis-server", (dir_ / "redis.conf").string()}, dir_ / "redis.log", {}, true});
    for (int i = 0; i < 100; ++i) {  // until it answers
      try {
        redis::Client probe(redis::parse_redis_url(redis_url()));
        probe.command({"PING"});
        return;
      } catch (const redis::RedisError&) {
        std::this_thread::sleep_for(100ms);
      }
    }
    FAIL() << "redis did not start: " << redis_server_->log();
  }

  std::filesystem::path dir_;
  int port_ = 0;
  std::unique_ptr<ChildProcess> redis_server_;
};

TEST_F(RedisCrashTest, KilledAndRestartedFromItsAofLosesNothing) {
  sim::CitizenDriver driver(signers(), keys_.passcode_seal.pub, "/test/citizen", "self-service");
  const auto ids = start_self_service(driver, 80, 6000, "aof");
  bool met_dead_redis = false;
  std::thread crasher([this, &met_dead_redis] {
    std::this_thread::sleep_for(4s);
    redis_server_->signal(SIGKILL);
    redis_server_->wait_exit(10s);
    // Redis stays down until enrollmentd has met it dead (and waits for it), however slowly a
    // loaded machine brings the consumer group to work; at least 2 s.
    const auto down_since = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - down_since < 60s) {
      met_dead_redis = daemon_->log().find("retrying in") != std::string::npos;
      if (met_dead_redis && std::chrono::steady_clock::now() - down_since >= 2s) break;
      std::this_thread::sleep_for(200ms);
    }
    start_redis();
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
