#pragma once
// The pipeline thread's CPU time by stage of a message's way through it (issue 16: where the
// time goes, in enroll_pipeline_cpu_seconds_total and ops/bench's table). Measured in laps: each
// lap() charges the thread CPU used since the previous lap to one stage, so the stages add up to
// the thread's whole CPU time and nothing is counted twice. Other threads (librdkafka's, the
// Argon2id workers, the HTTP API) are not in it: a process's CPU less the sum is theirs.
//
// Owner: the pipeline thread (laps read its CPU clock); the totals are read from any thread.
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace enroll {

enum class Stage : std::size_t {
  consume,  // polling the inbox, rebalances, offset commits to Kafka
  decode,   // parsing, validating and verifying inbox messages
  load,     // reading states from Redis and decoding them
  hash,     // the pipeline thread's part in Argon2id hashing ahead (waiting for the workers)
  apply,    // the engine
  encode,   // outbound messages, audit records and the stored state
  commit,   // the fenced commit step in Redis
  produce,  // handing the outbox to the producer, delivery reports
  other,    // timers, audit checkpoints, metrics, logs
};
inline constexpr std::size_t stage_count = 9;
[[nodiscard]] std::string_view to_string(Stage stage);

struct StageCpu {
  std::array<std::atomic<std::uint64_t>, stage_count> ns{};  // per Stage, in nanoseconds
};

class StageLaps {
 public:
  explicit StageLaps(StageCpu& totals) : totals_(totals) {}
  // Starts counting from now (on the thread that will lap).
  void restart() { last_ = thread_cpu_ns(); }
  // Charges the CPU used since the previous lap (or restart) to `stage`.
  void lap(Stage stage) {
    const std::uint64_t now = thread_cpu_ns();
    totals_.ns[static_cast<std::size_t>(stage)].fetch_add(now - last_, std::memory_order_relaxed);
    last_ = now;
  }

 private:
  static std::uint64_t thread_cpu_ns();
  StageCpu& totals_;
  std::uint64_t last_ = 0;
};

}  // namespace enroll
