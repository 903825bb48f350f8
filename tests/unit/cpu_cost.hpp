#pragma once
// CPU time per operation for the cost programs (trust_cost, state_cost): the calling thread's
// CPU time, not wall time, so a figure holds on a machine shared with others.
#include <time.h>

#include <functional>

namespace enroll::testing {

inline double cpu_micros() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e6 + static_cast<double>(t.tv_nsec) / 1e3;
}

// µs of CPU per call of f, over n calls.
inline double micros_per(int n, const std::function<void()>& f) {
  const double start = cpu_micros();
  for (int i = 0; i < n; ++i) f();
  return (cpu_micros() - start) / n;
}

}  // namespace enroll::testing
