#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

namespace enroll::devbroker {

// A tiny line-based TCP server on 127.0.0.1 for the control protocol: each request line gets
// exactly one reply line. Connections are served one after another on a single thread, which
// also serialises the handler calls; an idle connection is dropped after a few seconds so it
// cannot block others for long.
//
// Lifecycle: the constructor binds an ephemeral port and starts the thread; stop() (or the
// destructor) wakes the thread, closes any open connection and joins.
class ControlServer {
 public:
  using Handler = std::function<std::string(std::string_view request)>;

  // Throws std::system_error if the socket cannot be set up.
  explicit ControlServer(Handler handler);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  std::uint16_t port() const { return port_; }
  void stop();

 private:
  void run();
  void serve(int connection);
  // Waits until `fd` is readable; false if stop() was called or the wait timed out.
  bool wait_readable(int fd, int timeout_ms);

  Handler handler_;
  int listen_fd_ = -1;
  int wake_read_ = -1;  // a pipe: stop() writes a byte to interrupt poll()
  int wake_write_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

}  // namespace enroll::devbroker
