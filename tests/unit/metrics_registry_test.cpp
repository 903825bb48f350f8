// The Prometheus text the registry renders: HELP and TYPE per family, labels escaped,
// histogram buckets cumulative with +Inf, _sum and _count; names registered once.
#include <gtest/gtest.h>

#include "adapters/metrics/registry.hpp"

namespace enroll::metrics {
namespace {

TEST(MetricsRegistryTest, RendersCountersWithLabels) {
  Registry r;
  auto& failures = r.counter("enroll_step_failures_total", "Failures.", {"task", "code"});
  failures.add({"card.verify", "unavailable"});
  failures.add({"card.verify", "unavailable"}, 2);
  failures.add({"card.front.ocr", "blurry"});
  EXPECT_EQ(failures.value({"card.verify", "unavailable"}), 3u);
  EXPECT_EQ(failures.value({"card.verify", "timeout"}), 0u);
  EXPECT_EQ(r.render(),
            "# HELP enroll_step_failures_total Failures.\n"
            "# TYPE enroll_step_failures_total counter\n"
            "enroll_step_failures_total{task=\"card.front.ocr\",code=\"blurry\"} 1\n"
            "enroll_step_failures_total{task=\"card.verify\",code=\"unavailable\"} 3\n");
}

TEST(MetricsRegistryTest, EscapesLabelValuesAndHelp) {
  Registry r;
  r.gauge("g", "a \\ b\nc", {"l"}).set({"x\"y\\z\n"}, 1.5);
  EXPECT_EQ(r.render(),
            "# HELP g a \\\\ b\\nc\n"
            "# TYPE g gauge\n"
            "g{l=\"x\\\"y\\\\z\\n\"} 1.5\n");
}

TEST(MetricsRegistryTest, GaugeReplaceDropsOldSeries) {
  Registry r;
  auto& lag = r.gauge("lag", "Lag.", {"partition"});
  lag.replace({{{"1"}, 4}, {{"2"}, 0}});
  lag.replace({{{"3"}, 7}});
  EXPECT_EQ(r.render(), "# HELP lag Lag.\n# TYPE lag gauge\nlag{partition=\"3\"} 7\n");
}

TEST(MetricsRegistryTest, CallbacksAreReadWhenRendered) {
  Registry r;
  std::atomic<std::uint64_t> consumed{3};
  r.callback("consumed_total", "Consumed.", "counter",
             [&] { return static_cast<double>(consumed.load()); });
  consumed = 12;
  EXPECT_EQ(r.render(),
            "# HELP consumed_total Consumed.\n# TYPE consumed_total counter\n"
            "consumed_total 12\n");
  EXPECT_THROW(r.callback("x", "X.", "summary", [] { return 0.0; }), std::logic_error);
}

TEST(MetricsRegistryTest, LabelledCallbacksRenderEverySeriesTheyGive) {
  Registry r;
  double decode = 0.5;
  r.callback("cpu_seconds_total", "CPU.", "counter", {"stage"}, [&] {
    return std::vector<std::pair<Labels, double>>{{{"decode"}, decode}, {{"load"}, 0.25}};
  });
  decode = 1.5;
  EXPECT_EQ(r.render(),
            "# HELP cpu_seconds_total CPU.\n# TYPE cpu_seconds_total counter\n"
            "cpu_seconds_total{stage=\"decode\"} 1.5\ncpu_seconds_total{stage=\"load\"} 0.25\n");
  EXPECT_THROW(r.callback("y", "Y.", "histogram", {"stage"},
                          [] { return std::vector<std::pair<Labels, double>>{}; }),
               std::logic_error);
}

TEST(MetricsRegistryTest, HistogramBucketsAreCumulative) {
  Registry r;
  auto& h = r.histogram("latency_seconds", "Latency.", {0.01, 0.1, 1});
  h.observe(0.005);
  h.observe(0.01);  // on the bound: in le="0.01"
  h.observe(0.5);
  h.observe(3);
  h.observe(-1);  // a clock step back counts as 0
  EXPECT_EQ(h.count(), 5u);
  EXPECT_EQ(r.render(),
            "# HELP latency_seconds Latency.\n"
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_bucket{le=\"0.01\"} 3\n"
            "latency_seconds_bucket{le=\"0.1\"} 3\n"
            "latency_seconds_bucket{le=\"1\"} 4\n"
            "latency_seconds_bucket{le=\"+Inf\"} 5\n"
            "latency_seconds_sum 3.515\n"
            "latency_seconds_count 5\n");
}

TEST(MetricsRegistryTest, RefusesANameTwiceAndBadBuckets) {
  Registry r;
  r.counter("a_total", "A.");
  EXPECT_THROW(r.gauge("a_total", "A again."), std::logic_error);
  EXPECT_THROW(r.histogram("h", "H.", {1, 0.5}), std::logic_error);
  EXPECT_THROW(r.histogram("h2", "H.", {}), std::logic_error);
}

}  // namespace
}  // namespace enroll::metrics
