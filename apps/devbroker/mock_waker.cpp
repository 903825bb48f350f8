#include "apps/devbroker/mock_waker.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

namespace enroll::devbroker {
namespace {

// Lets a quick request finish before the first poke.
constexpr auto kPokeInterval = std::chrono::milliseconds(3);

}  // namespace

MockWaker::MockWaker(std::vector<std::uint16_t> broker_ports)
    : ports_(std::move(broker_ports)), thread_([this] { run(); }) {}

MockWaker::~MockWaker() {
  {
    const std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

MockWaker::Scope::Scope(MockWaker& waker) : waker_(waker) {
  {
    const std::lock_guard lock(waker_.mutex_);
    ++waker_.pending_;
  }
  waker_.wake_.notify_all();
}

MockWaker::Scope::~Scope() {
  const std::lock_guard lock(waker_.mutex_);
  --waker_.pending_;
}

void MockWaker::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stop_ || pending_ > 0; });
    if (stop_) return;
    // Still pending after an interval: the cluster's thread is probably asleep.
    if (wake_.wait_for(lock, kPokeInterval, [this] { return stop_ || pending_ == 0; })) continue;
    lock.unlock();
    poke();
    lock.lock();
  }
}

void MockWaker::poke() const {
  // A broker that is "down" is not polled, so poke them all. The connection is accepted
  // by the mock broker and closed again; no Kafka request is ever sent on it.
  for (const std::uint16_t port : ports_) {
    // Non-blocking: a down broker's listener may not accept, and must not stall us.
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    // Whether it connects does not matter: the attempt alone wakes the listener's poll().
    (void)::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
    ::close(fd);
  }
}

}  // namespace enroll::devbroker
