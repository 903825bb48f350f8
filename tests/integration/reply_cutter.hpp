#pragma once
// A TCP relay in front of a Redis that can lose one reply, as a Redis killed between applying a
// script and answering would: armed, it passes the next EVAL/EVALSHA on, waits for Redis's
// answer (so the script has run), then closes the connection instead of passing the answer
// back. An error answer (NOSCRIPT) is passed back and the relay stays armed. One client
// connection at a time; a reconnect is a new one. Its own thread, stopped by the destructor.
#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

namespace enroll::test {

class ReplyCutter {
 public:
  // The Redis behind it, on the loopback.
  explicit ReplyCutter(int redis_port);
  ~ReplyCutter();
  ReplyCutter(const ReplyCutter&) = delete;
  ReplyCutter& operator=(const ReplyCutter&) = delete;

  [[nodiscard]] int port() const { return port_; }
  // Loses the answer to the next script run (see above).
  void cut_next_reply() { armed_ = true; }
  // Answers lost so far.
  [[nodiscard]] int cuts() const { return cuts_; }

 private:
  void run();

  int redis_port_;
  int listener_ = -1;
  int port_ = 0;
  int wake_[2] = {-1, -1};  // a pipe: the destructor's write ends run()
  std::atomic<bool> armed_{false};
  std::atomic<int> cuts_{0};
  std::thread thread_;
};

}  // namespace enroll::test
