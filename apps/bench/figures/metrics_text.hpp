#pragma once
// enrollmentd's /metrics text (Prometheus exposition format) as enroll-bench reads it: the
// pipeline thread's CPU by stage, messages consumed, commit steps, partitions owned, stale
// commits and duplicates; the difference between two readings of one instance, and the sum
// of several instances' differences.
//
// The text comes from a server over the network: lines are parsed with bounds (a bounded
// number of series per family, bounded label values) and anything malformed is skipped.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace enroll::bench {

inline constexpr std::size_t kMaxSeriesPerFamily = 64;
inline constexpr std::size_t kMaxLabelValue = 64;

// One reading of one instance's /metrics.
struct PipelineFigures {
  std::map<std::string, double> stage_cpu;  // stage name → CPU seconds so far
  double consumed = 0;                      // enroll_events_consumed_total
  double commits = 0;                       // enroll_commits_total
  double owned = 0;                         // enroll_partitions_owned (a gauge)
  double stale_commits = 0;                 // enroll_stale_commits_total
  double duplicates = 0;                    // enroll_events_duplicate_total
};

// What one instance did between two readings (owned: at each reading).
struct PipelineDelta {
  std::map<std::string, double> stage_cpu;
  double consumed = 0;
  double commits = 0;
  double stale_commits = 0;
  double duplicates = 0;
  double owned_before = 0;
  double owned_after = 0;
  int instances = 1;  // how many instances a sum covers
};

// The series of `metrics` named `family`, by their one label's value (e.g. stage), for a
// family with exactly one label; at most kMaxSeriesPerFamily, values of at most
// kMaxLabelValue bytes.
std::map<std::string, double> labelled_series(std::string_view metrics, std::string_view family);
// The value of the unlabelled series `name` in `metrics` (0 if absent).
double series_value(std::string_view metrics, std::string_view name);

// The figures above from a /metrics body; nullopt if it holds no stage series (an older
// enrollmentd, or not enrollmentd).
std::optional<PipelineFigures> parse_pipeline_figures(std::string_view metrics);

// after − before for the counters (stages present in both), the gauge at each end.
PipelineDelta pipeline_delta(const PipelineFigures& before, const PipelineFigures& after);

// The sum over instances (stage by stage); nullopt if `each` is empty or one instance is
// missing (a partial sum would pass for the whole).
std::optional<PipelineDelta> sum_deltas(const std::vector<std::optional<PipelineDelta>>& each);

}  // namespace enroll::bench
