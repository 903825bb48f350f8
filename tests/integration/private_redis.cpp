#include "tests/integration/private_redis.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <random>
#include <stdexcept>
#include <thread>

#include "adapters/redis/client.hpp"
#include "adapters/redis/connect.hpp"

namespace enroll::test {
namespace {

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

}  // namespace

PrivateRedis::PrivateRedis(const std::string& name, const std::string& config)
    : dir_(std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()) + "-" +
                                                     std::to_string(std::random_device{}()))),
      port_(free_port()) {
  std::filesystem::create_directories(dir_);
  std::ofstream(dir_ / "redis.conf")
      << "bind 127.0.0.1\nport " << port_ << "\ndir " << dir_.string() << "\n"
      << config;
  start();
}

PrivateRedis::~PrivateRedis() {
  server_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string PrivateRedis::url() const {
  return "redis://127.0.0.1:" + std::to_string(port_) + "/0";
}

void PrivateRedis::start() {
  using namespace std::chrono_literals;
  server_ = std::make_unique<ChildProcess>(ChildProcess::Options{
      {"redis-server", (dir_ / "redis.conf").string()}, dir_ / "redis.log", {}, true});
  for (int i = 0; i < 100; ++i) {  // until it answers
    try {
      redis::Client probe(redis::parse_redis_url(url()));
      probe.command({"PING"});
      return;
    } catch (const redis::RedisError&) {
      std::this_thread::sleep_for(100ms);
    }
  }
  throw std::runtime_error("redis did not start: " + server_->log());
}

}  // namespace enroll::test
