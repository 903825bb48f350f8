// What enroll-bench reads from the servers it measures, on hostile bytes: an enrollmentd's
// /metrics body (apps/bench/figures/metrics_text.hpp: the stage series, the counters, the sum
// over instances) and a Redis INFO reply (redis_info.hpp). Nothing throws, the series stay
// within their bounds, and a figure read is a number.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "apps/bench/figures/metrics_text.hpp"
#include "apps/bench/figures/redis_info.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace enroll::bench;
  const std::string_view text(reinterpret_cast<const char*>(data), size);  // NOLINT
  const auto stages = labelled_series(text, "enroll_pipeline_cpu_seconds_total");
  if (stages.size() > kMaxSeriesPerFamily) enroll::fuzz::fail("more series than the bound");
  for (const auto& [label, value] : stages) {
    if (label.size() > kMaxLabelValue) enroll::fuzz::fail("a label past the bound: " + label);
    if (std::isnan(value) && text.find("nan") == std::string_view::npos &&
        text.find("NaN") == std::string_view::npos) {
      enroll::fuzz::fail("NaN from no NaN");
    }
  }
  (void)series_value(text, "enroll_events_consumed_total");
  if (const auto figures = parse_pipeline_figures(text)) {
    const auto delta = pipeline_delta(*figures, *figures);
    const auto sum = sum_deltas({delta, delta});
    if (!sum || sum->instances != 2) enroll::fuzz::fail("the sum of two instances is not two");
  }
  (void)info_integer(text, "used_memory");
  (void)info_integer(text, "process_id");
  return 0;
}
