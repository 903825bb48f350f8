#pragma once
// enrollmentd's pipeline figures from its /metrics (figures/metrics_text.hpp), read before and
// after the measured run for each instance: where the time goes per inbound event (the
// pipeline thread's CPU by stage), how many messages each fenced commit carries, and how the
// inbox partitions are spread over the instances.
#include <chrono>
#include <optional>
#include <string>

#include "apps/bench/figures/metrics_text.hpp"

namespace enroll::bench {

// The largest /metrics body read: enrollmentd's is a few KiB.
inline constexpr std::size_t kMetricsBodyLimit = std::size_t{1024} * 1024;

// nullopt if /metrics cannot be read or holds no stage series (an older enrollmentd).
// `api`: the service's base URL.
std::optional<PipelineFigures> pipeline_figures(const std::string& api, const std::string& ca_file);

}  // namespace enroll::bench
