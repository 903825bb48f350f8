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
#include <set>
#include <string>
#include <vector>

#include "adapters/metrics/registry.hpp"
#include "workflows/commands.hpp"
#include "workflows/effects.hpp"

namespace enroll {

struct PipelineCounters;
class DefinitionCatalog;

// The step-failure label values of `catalog`: every task its steps send, with the codes the
// engine itself gives (timeout, retryable, failed), the steps' retryable codes and the task
// schema's x-error-codes.
std::map<std::string, std::set<std::string>> failure_labels(const DefinitionCatalog& catalog);

// A connector task that failed, as counted: both values are bounded label values.
struct StepFailure {
  std::string task;
  std::string code;
};

class PipelineMonitor {
 public:
  explicit PipelineMonitor(metrics::Registry& registry);
  // Exposes the pipeline's counters; they must outlive every render() of the registry.
  void expose(const PipelineCounters& counters);

  // The label values step failures may take: task -> its error codes (from the loaded channel
  // definitions and the task schemas' x-error-codes). A task or code outside is counted under
  // "other", so a sender cannot mint label values. Call before the pipeline runs; without it
  // every value is taken as sent (unit tests).
  void set_failure_labels(std::map<std::string, std::set<std::string>> known);
  void set_owned(std::vector<std::int32_t> partitions);
  void set_lag(const std::map<std::int32_t, std::int64_t>& lag);
  // One engine outcome for `in` (not called for dead letters).
  void on_outcome(const Inbound& in, const Outcome& outcome);
  // The step failures in one engine outcome for `in` (what on_outcome counts), mapped to the
  // label values (set_failure_labels); also counted per minute in Redis for the dashboard.
  [[nodiscard]] std::vector<StepFailure> step_failures(const Inbound& in,
                                                       const Outcome& outcome) const;
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
  std::map<std::string, std::set<std::string>> failure_labels_;
  [[nodiscard]] StepFailure labelled(const std::string& task, const std::string& code) const;
};

}  // namespace enroll
