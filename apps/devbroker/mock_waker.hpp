#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace enroll::devbroker {

// Works around a latency of librdkafka 2.0's mock cluster: a request from the application
// (create a topic, move a leader, ...) is queued for the cluster's thread, which often only
// notices it when its poll() times out, once a second. Any activity on a broker's listening
// socket ends that poll at once, so while a request is in flight this pokes the brokers'
// listeners (connect, close) every few milliseconds. Measured: a topic set in ~10 ms
// instead of ~2 s.
//
// Lifecycle: the constructor starts an idle thread; the destructor stops it. Threading:
// awake() may be called from any thread; scopes may overlap.
class MockWaker {
 public:
  explicit MockWaker(std::vector<std::uint16_t> broker_ports);
  ~MockWaker();
  MockWaker(const MockWaker&) = delete;
  MockWaker& operator=(const MockWaker&) = delete;

  // Keeps the cluster's thread awake while alive; make one around each blocking mock call.
  class Scope {
   public:
    explicit Scope(MockWaker& waker);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    MockWaker& waker_;
  };

 private:
  void run();
  void poke() const;

  std::vector<std::uint16_t> ports_;
  std::mutex mutex_;
  std::condition_variable wake_;
  int pending_ = 0;  // live scopes
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace enroll::devbroker
