#pragma once
// enrollmentd's pipeline-thread CPU by stage (enroll_pipeline_cpu_seconds_total on its
// /metrics), read before and after the measured run: where the time goes, per inbound event.
#include <map>
#include <optional>
#include <string>

namespace enroll::bench {

// Stage name → seconds so far; nullopt if /metrics cannot be read or holds no such series
// (an older enrollmentd). `api`: the service's base URL.
std::optional<std::map<std::string, double>> pipeline_stage_cpu(const std::string& api,
                                                                const std::string& ca_file);

// The series of `metrics` (a /metrics body) named `family`, by their one label's value
// (e.g. stage), for a family with exactly one label.
std::map<std::string, double> labelled_series(const std::string& metrics,
                                              const std::string& family);

}  // namespace enroll::bench
