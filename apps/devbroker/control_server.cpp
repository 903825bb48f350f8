#include "apps/devbroker/control_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <system_error>

namespace enroll::devbroker {
namespace {

constexpr int kIdleTimeoutMs = 10000;
constexpr std::size_t kMaxLineBytes = 4096;

[[noreturn]] void throw_errno(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    // MSG_NOSIGNAL: a client that hung up must not kill the broker with SIGPIPE.
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

ControlServer::ControlServer(Handler handler) : handler_(std::move(handler)) {
  std::array<int, 2> pipe_fds{};
  if (::pipe2(pipe_fds.data(), O_CLOEXEC) != 0) throw_errno("pipe2");
  wake_read_ = pipe_fds[0];
  wake_write_ = pipe_fds[1];

  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw_errno("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;  // the kernel picks a free port; --control-file publishes it
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    throw_errno("bind 127.0.0.1:0");
  }
  if (::listen(listen_fd_, 16) != 0) throw_errno("listen");
  socklen_t len = sizeof addr;
  if (::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    throw_errno("getsockname");
  }
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { run(); });
}

ControlServer::~ControlServer() {
  stop();
  for (const int fd : {listen_fd_, wake_read_, wake_write_}) {
    if (fd >= 0) ::close(fd);
  }
}

void ControlServer::stop() {
  if (!thread_.joinable()) return;
  const char byte = 1;
  while (::write(wake_write_, &byte, 1) < 0 && errno == EINTR) {
  }
  thread_.join();
}

bool ControlServer::wait_readable(int fd, int timeout_ms) {
  std::array<pollfd, 2> fds{{{fd, POLLIN, 0}, {wake_read_, POLLIN, 0}}};
  for (;;) {
    const int n = ::poll(fds.data(), fds.size(), timeout_ms);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      spdlog::error("control: poll: {}", std::generic_category().message(errno));
      return false;
    }
    if (n == 0 || fds[1].revents != 0) return false;
    return true;
  }
}

void ControlServer::run() {
  while (wait_readable(listen_fd_, -1)) {
    const int connection = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (connection < 0) {
      if (errno != EINTR && errno != ECONNABORTED) {
        spdlog::warn("control: accept: {}", std::generic_category().message(errno));
      }
      continue;
    }
    serve(connection);
    ::close(connection);
  }
}

void ControlServer::serve(int connection) {
  std::string buffer;
  std::array<char, 1024> chunk{};
  while (wait_readable(connection, kIdleTimeoutMs)) {
    const ssize_t n = ::recv(connection, chunk.data(), chunk.size(), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the client hung up (or the connection broke)
    buffer.append(chunk.data(), static_cast<std::size_t>(n));
    std::size_t newline;
    while ((newline = buffer.find('\n')) != std::string::npos) {
      std::string_view line(buffer.data(), newline);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      const std::string reply = handler_(line) + "\n";
      buffer.erase(0, newline + 1);
      if (!send_all(connection, reply)) return;
    }
    if (buffer.size() > kMaxLineBytes) {
      send_all(connection, "error request line too long\n");
      return;
    }
  }
}

}  // namespace enroll::devbroker
