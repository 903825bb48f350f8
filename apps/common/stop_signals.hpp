#pragma once
// SIGTERM/SIGINT handling for the programs: block them in every thread and let a watcher
// thread call a stop function.
#include <signal.h>

#include <atomic>
#include <functional>
#include <thread>

namespace enroll::app {

inline void block_stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

class StopOnSignal {
 public:
  explicit StopOnSignal(std::function<void()> stop)
      : thread_([this, stop = std::move(stop)] {
          sigset_t set;
          sigemptyset(&set);
          sigaddset(&set, SIGTERM);
          sigaddset(&set, SIGINT);
          const timespec tick{0, 200'000'000};
          while (!done_) {
            const int sig = sigtimedwait(&set, nullptr, &tick);
            if (sig == SIGTERM || sig == SIGINT) {
              stop();
            }
          }
        }) {}
  ~StopOnSignal() {
    done_ = true;
    thread_.join();
  }
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;

 private:
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace enroll::app
