#include "service/pipeline/step/stage_cpu.hpp"

#include <ctime>

namespace enroll {

std::string_view to_string(Stage stage) {
  switch (stage) {
    case Stage::consume:
      return "consume";
    case Stage::decode:
      return "decode";
    case Stage::load:
      return "load";
    case Stage::hash:
      return "hash";
    case Stage::apply:
      return "apply";
    case Stage::encode:
      return "encode";
    case Stage::commit:
      return "commit";
    case Stage::produce:
      return "produce";
    case Stage::other:
      return "other";
  }
  return "unknown";
}

std::uint64_t StageLaps::thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000U +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

}  // namespace enroll
