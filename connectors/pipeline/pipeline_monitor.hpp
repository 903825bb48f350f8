#pragma once
// What the inbox pipeline reports while it runs, for the HTTP API's /readyz and /metrics:
// the partitions it owns, its consumer lag, and metrics derived from every engine outcome
// (transitions by phase, step failures by task and code, retries, the latency from a
// message's broker timestamp to its commit). The pipeline's own counters (consumed,
// applied, ...) are exposed as they are, read at scrape time.
//
// Threading: the on_*/set_* methods are called by the pipeline thread; owned() and the
// registry's render() by any thread.
#include <cstdint>
#include <map>
#include <mutex>
#include <vector>

#include "connectors/metrics/registry.hpp"
#include "workflows/commands.hpp"
#include "workflows/effects.hpp"

namespace enroll {

struct PipelineCounters;

class PipelineMonitor {
 public:
  explicit PipelineMonitor(metrics::Registry& registry);
  // Exposes the pipeline's counters; they must outlive every render() of the registry.
  void expose(const PipelineCounters& counters);

  void set_owned(std::vector<std::int32_t> partitions);
  void set_lag(const std::map<std::int32_t, std::int64_t>& lag);
  // One engine outcome for `in` (not called for dead letters).
  void on_outcome(const Inbound& in, const Outcome& outcome);
  // One inbound message committed; `received` is its broker timestamp.
  void on_committed(Timestamp received);

  // Partitions owned now, ascending.
  [[nodiscard]] std::vector<std::int32_t> owned() const;

 private:
  metrics::Registry& registry_;
  metrics::CounterFamily& transitions_;
  metrics::CounterFamily& step_failures_;
  metrics::CounterFamily& retries_;
  metrics::Histogram& latency_;
  metrics::GaugeFamily& lag_;
  mutable std::mutex mutex_;
  std::vector<std::int32_t> owned_;
};

}  // namespace enroll
