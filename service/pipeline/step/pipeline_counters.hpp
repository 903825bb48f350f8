#pragma once
// What the pipeline has done since it started: written on the pipeline thread, read from any
// (the HTTP API's /metrics, the final log line).
#include <atomic>
#include <cstdint>

#include "service/pipeline/step/stage_cpu.hpp"

namespace enroll {

struct PipelineCounters {
  std::atomic<std::uint64_t> consumed{0}, applied{0}, rejected{0}, duplicates{0}, dead_lettered{0},
      engine_faults{0}, emitted{0}, commits{0}, stale_commits{0}, timers_fired{0}, parked{0},
      hashed_ahead{0}, checkpoints{0};
  StageCpu stage_cpu;  // the pipeline thread's CPU by stage
};

}  // namespace enroll
