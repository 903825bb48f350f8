#include "tests/support/services.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <stdexcept>

namespace enroll::test {
namespace {

constexpr int kControlTimeoutMs = 10000;

std::filesystem::path services_dir_from_env() {
  const char* dir = std::getenv("ENROLL_TEST_SERVICES");
  if (dir == nullptr || *dir == '\0') {
    throw std::runtime_error(
        "ENROLL_TEST_SERVICES is not set: run this test through ctest (fixture 'services'), or "
        "run `ops/services start DIR` and export ENROLL_TEST_SERVICES=DIR");
  }
  return dir;
}

// The first line of one of the files ops/services writes.
std::string read_line(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string line;
  if (!in || !std::getline(in, line) || line.empty()) {
    throw std::runtime_error("cannot read " + file.string() +
                             ": are the test services running (ops/services status DIR)?");
  }
  return line;
}

int parse_port(const std::string& text, const std::string& what) {
  char* end = nullptr;
  const long port = std::strtol(text.c_str(), &end, 10);
  if (end == text.c_str() || *end != '\0' || port <= 0 || port > 65535) {
    throw std::runtime_error("bad port in " + what + ": '" + text + "'");
  }
  return static_cast<int>(port);
}

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error("dev broker control: " + what + ": " + std::strerror(errno));
}

}  // namespace

TestServices::TestServices() : TestServices(services_dir_from_env()) {
  const char* cluster = std::getenv("ENROLL_TEST_KAFKA_CLUSTER");
  if (cluster != nullptr && *cluster != '\0') use_kafka(cluster);
}

TestServices::TestServices(const std::filesystem::path& dir)
    : brokers_(read_line(dir / "brokers")), redis_url_(read_line(dir / "redis.url")) {
  if (std::filesystem::exists(dir / "control")) {  // the dev broker
    control_port_ = static_cast<std::uint16_t>(
        parse_port(read_line(dir / "control"), (dir / "control").string()));
  }
  // redis://USER:PASSWORD@HOST:PORT/DB, as ops/redis/start writes it.
  constexpr std::string_view kScheme = "redis://";
  const auto bad_url = [&] {
    return std::runtime_error("bad Redis URL '" + redis_url_ + "' in " +
                              (dir / "redis.url").string());
  };
  if (redis_url_.rfind(kScheme, 0) != 0) throw bad_url();
  std::string rest = redis_url_.substr(kScheme.size());
  if (const auto at = rest.find('@'); at != std::string::npos) rest.erase(0, at + 1);
  const auto colon = rest.find(':');
  if (colon == std::string::npos || colon == 0) throw bad_url();
  const auto slash = rest.find('/', colon);
  redis_host_ = rest.substr(0, colon);
  redis_port_ = parse_port(
      rest.substr(colon + 1, slash == std::string::npos ? std::string::npos : slash - colon - 1),
      redis_url_);
}

void TestServices::use_kafka(const std::filesystem::path& dir) {
  brokers_ = read_line(dir / "brokers");
  control_port_ = 0;
}

std::string TestServices::control(std::string_view command) const {
  if (!devbroker()) {
    throw std::runtime_error("'" + std::string(command) +
                             "': the test services run Apache Kafka, which has no control port "
                             "(a fault-injection test registers with DEVBROKER)");
  }
  Socket socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (socket.get() < 0) fail("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(control_port_);
  if (::connect(socket.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    fail("connect to 127.0.0.1:" + std::to_string(control_port_));
  }
  std::string request(command);
  request += '\n';
  std::string_view rest = request;
  while (!rest.empty()) {
    const ssize_t n = ::send(socket.get(), rest.data(), rest.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("send");
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  std::string reply;
  std::array<char, 512> chunk{};
  while (reply.find('\n') == std::string::npos) {
    pollfd pfd{socket.get(), POLLIN, 0};
    const int ready = ::poll(&pfd, 1, kControlTimeoutMs);
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) {
      throw std::runtime_error("dev broker control: no reply to '" + std::string(command) + "'");
    }
    const ssize_t n = ::recv(socket.get(), chunk.data(), chunk.size(), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("recv");
    if (n == 0) {
      throw std::runtime_error("dev broker control: connection closed before replying to '" +
                               std::string(command) + "'");
    }
    reply.append(chunk.data(), static_cast<std::size_t>(n));
  }
  reply.erase(reply.find('\n'));
  return reply;
}

void TestServices::create_topic_set(std::string_view prefix, int partitions,
                                    InboxTime inbox_time) const {
  if (!devbroker()) {
    create_kafka_topic_set(brokers_, prefix, partitions, inbox_time);
    return;
  }
  const std::string command =
      "topics create-set " + std::string(prefix) + " " + std::to_string(partitions);
  const std::string reply = control(command);
  if (reply != "ok" && reply.rfind("ok ", 0) != 0) {
    throw std::runtime_error("dev broker control: '" + command + "' -> " + reply);
  }
}

std::string unique_name(std::string_view stem) {
  static thread_local std::mt19937_64 random{std::random_device{}()};
  std::string name;
  for (const char c : stem) {
    const auto u = static_cast<unsigned char>(c);
    name += (std::isalnum(u) || c == '.' || c == '-') ? static_cast<char>(std::tolower(u)) : '-';
  }
  std::array<char, 17> suffix{};
  std::snprintf(suffix.data(), suffix.size(), "%08x",
                static_cast<unsigned>(random() & 0xffffffffU));
  return name + "-" + std::to_string(::getpid()) + "-" + suffix.data();
}

}  // namespace enroll::test
