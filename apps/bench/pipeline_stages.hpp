#pragma once
// enrollmentd's pipeline-thread CPU by stage (enroll_pipeline_cpu_seconds_total on its
// /metrics) and its commit steps, read before and after the measured run: where the time goes,
// per inbound event, and how many messages each fenced commit carries.
#include <map>
#include <optional>
#include <string>

namespace enroll::bench {

struct PipelineFigures {
  std::map<std::string, double> stage_cpu;  // stage name → CPU seconds so far
  double consumed = 0;                      // enroll_events_consumed_total
  double commits = 0;                       // enroll_commits_total
};

// nullopt if /metrics cannot be read or holds no stage series (an older enrollmentd).
// `api`: the service's base URL.
std::optional<PipelineFigures> pipeline_figures(const std::string& api, const std::string& ca_file);

// The series of `metrics` (a /metrics body) named `family`, by their one label's value
// (e.g. stage), for a family with exactly one label.
std::map<std::string, double> labelled_series(const std::string& metrics,
                                              const std::string& family);
// The value of the unlabelled series `name` in `metrics` (0 if absent).
double series_value(const std::string& metrics, const std::string& name);

}  // namespace enroll::bench
