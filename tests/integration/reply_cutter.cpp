#include "tests/integration/reply_cutter.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <stdexcept>
#include <string_view>
#include <system_error>

namespace enroll::test {
namespace {

[[noreturn]] void fail(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

sockaddr_in loopback(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

bool write_all(int fd, const char* data, std::size_t n) {
  while (n > 0) {
    const auto w = ::write(fd, data, n);
    if (w <= 0) return false;
    data += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// Whether a chunk of a client's request runs a script (hiredis writes the command's name as a
// bulk string: "$7\r\nEVALSHA\r\n").
bool runs_script(std::string_view chunk) {
  return chunk.find("\r\nEVALSHA\r\n") != std::string_view::npos ||
         chunk.find("\r\nEVAL\r\n") != std::string_view::npos;
}

}  // namespace

ReplyCutter::ReplyCutter(int redis_port) : redis_port_(redis_port) {
  listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (listener_ < 0) fail("socket");
  auto any = loopback(0);
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&any), sizeof any) != 0) fail("bind");
  if (::listen(listener_, 4) != 0) fail("listen");
  socklen_t len = sizeof any;
  if (::getsockname(listener_, reinterpret_cast<sockaddr*>(&any), &len) != 0) fail("getsockname");
  port_ = ntohs(any.sin_port);
  if (::pipe(wake_) != 0) fail("pipe");
  thread_ = std::thread([this] { run(); });
}

ReplyCutter::~ReplyCutter() {
  const char stop = 'x';
  (void)::write(wake_[1], &stop, 1);
  thread_.join();
  close_fd(listener_);
  close_fd(wake_[0]);
  close_fd(wake_[1]);
}

void ReplyCutter::run() {
  int client = -1;
  int server = -1;
  bool awaiting = false;  // a script was passed on armed: its answer is the one to lose
  const auto hang_up = [&] {
    close_fd(client);
    close_fd(server);
    awaiting = false;
  };
  std::array<char, 65536> buf{};
  for (;;) {
    std::array<pollfd, 4> fds{pollfd{wake_[0], POLLIN, 0}, pollfd{listener_, POLLIN, 0},
                              pollfd{client, POLLIN, 0}, pollfd{server, POLLIN, 0}};
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[0].revents != 0) break;
    if ((fds[1].revents & POLLIN) != 0) {
      hang_up();  // one client at a time: a new connection replaces the old
      client = ::accept(listener_, nullptr, nullptr);
      server = ::socket(AF_INET, SOCK_STREAM, 0);
      auto to = loopback(redis_port_);
      if (client < 0 || server < 0 ||
          ::connect(server, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
        hang_up();
      }
      continue;
    }
    if (fds[2].revents != 0) {
      const auto n = ::read(client, buf.data(), buf.size());
      if (n <= 0 || !write_all(server, buf.data(), static_cast<std::size_t>(n))) {
        hang_up();
        continue;
      }
      if (armed_ && runs_script({buf.data(), static_cast<std::size_t>(n)})) awaiting = true;
    }
    if (fds[3].revents != 0) {
      const auto n = ::read(server, buf.data(), buf.size());
      if (n <= 0) {
        hang_up();
        continue;
      }
      if (awaiting && buf[0] != '-') {
        // Redis has run the script and answered: the answer is lost with the connection.
        armed_ = false;
        ++cuts_;
        hang_up();
        continue;
      }
      awaiting = false;
      if (!write_all(client, buf.data(), static_cast<std::size_t>(n))) hang_up();
    }
  }
  hang_up();
}

}  // namespace enroll::test
