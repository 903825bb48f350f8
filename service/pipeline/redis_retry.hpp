#pragma once
// Retrying a Redis call through a passing failure of the server (loading, a failover, a lost
// connection: RedisError::retryable()), backing off from 100 ms to 5 s. A failure for good, or
// any failure once stopping, is rethrown: the caller's thread ends run().
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <thread>
#include <utility>

#include "adapters/redis/client.hpp"

namespace enroll {

class RedisRetry {
 public:
  // `while_waiting` runs before each pause (the producer's poll: delivery reports keep flowing).
  RedisRetry(const std::atomic<bool>& stopping, std::function<void()> while_waiting)
      : stopping_(stopping), while_waiting_(std::move(while_waiting)) {}

  template <class F>
  auto operator()(const char* what, F&& f) const -> decltype(f()) {
    auto pause = std::chrono::milliseconds(100);
    for (;;) {
      try {
        return f();
      } catch (const redis::RedisError& e) {
        if (!e.retryable() || stopping_) throw;
        spdlog::warn("redis {}: {}; retrying in {} ms", what, e.what(), pause.count());
        if (while_waiting_) while_waiting_();
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(5000));
      }
    }
  }

 private:
  const std::atomic<bool>& stopping_;
  std::function<void()> while_waiting_;
};

}  // namespace enroll
