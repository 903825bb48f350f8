// enroll-bench's arithmetic on what it reads (apps/bench/figures/): enrollmentd's /metrics
// text (hostile input: malformed lines skipped, series bounded), one instance's difference
// between two readings and the sum over instances, processes summed by name, Redis INFO
// fields.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "apps/bench/figures/metrics_text.hpp"
#include "apps/bench/figures/process_groups.hpp"
#include "apps/bench/figures/redis_info.hpp"

namespace enroll::bench {
namespace {

// As enrollmentd renders it (metrics::Registry), abridged.
constexpr std::string_view kMetrics =
    "# HELP enroll_pipeline_cpu_seconds_total The pipeline thread's CPU time by stage.\n"
    "# TYPE enroll_pipeline_cpu_seconds_total counter\n"
    "enroll_pipeline_cpu_seconds_total{stage=\"consume\"} 1.5\n"
    "enroll_pipeline_cpu_seconds_total{stage=\"apply\"} 0.25\n"
    "enroll_pipeline_cpu_seconds_total{stage=\"commit\"} 2e-3\n"
    "# TYPE enroll_events_consumed_total counter\n"
    "enroll_events_consumed_total 1200\n"
    "enroll_commits_total 40\n"
    "enroll_partitions_owned 8\n"
    "enroll_stale_commits_total 1\n"
    "enroll_events_duplicate_total 3\n";

TEST(MetricsText, ReadsTheStageSeriesAndTheCounters) {
  const auto f = parse_pipeline_figures(kMetrics);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->stage_cpu.size(), 3u);
  EXPECT_DOUBLE_EQ(f->stage_cpu.at("consume"), 1.5);
  EXPECT_DOUBLE_EQ(f->stage_cpu.at("commit"), 0.002);
  EXPECT_DOUBLE_EQ(f->consumed, 1200);
  EXPECT_DOUBLE_EQ(f->commits, 40);
  EXPECT_DOUBLE_EQ(f->owned, 8);
  EXPECT_DOUBLE_EQ(f->stale_commits, 1);
  EXPECT_DOUBLE_EQ(f->duplicates, 3);
}

TEST(MetricsText, WithoutStageSeriesThereAreNoFigures) {
  EXPECT_FALSE(parse_pipeline_figures("enroll_events_consumed_total 5\n"));
  EXPECT_FALSE(parse_pipeline_figures(""));
  EXPECT_FALSE(parse_pipeline_figures("<html>not metrics</html>"));
}

TEST(MetricsText, SkipsMalformedLinesAndOtherFamilies) {
  const std::string text =
      "enroll_pipeline_cpu_seconds_total_other{stage=\"x\"} 9\n"  // another family
      "enroll_pipeline_cpu_seconds_total{stage=\"a\"} not-a-number\n"
      "enroll_pipeline_cpu_seconds_total{stage=\"b} 1\n"  // no closing quote
      "enroll_pipeline_cpu_seconds_total{stage=\"c\"} 1 2\n"
      "enroll_pipeline_cpu_seconds_total{stage=\"d\"}\n"
      "enroll_pipeline_cpu_seconds_total{stage=\"ok\"} 4";  // last line, no '\n'
  const auto series = labelled_series(text, "enroll_pipeline_cpu_seconds_total");
  ASSERT_EQ(series.size(), 1u);
  EXPECT_DOUBLE_EQ(series.at("ok"), 4);
  // A longer name is not the series; a value that is not a number counts as absent.
  EXPECT_EQ(
      series_value("enroll_commits_total_x 5\nenroll_commits_total 7\n", "enroll_commits_total"),
      7);
  EXPECT_EQ(series_value("enroll_commits_total five\n", "enroll_commits_total"), 0);
  EXPECT_EQ(series_value("", "enroll_commits_total"), 0);
}

TEST(MetricsText, BoundsTheSeriesAndTheirLabels) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "f{stage=\"s" + std::to_string(i) + "\"} 1\n";
  EXPECT_EQ(labelled_series(text, "f").size(), kMaxSeriesPerFamily);
  const std::string long_label(kMaxLabelValue + 1, 'x');
  EXPECT_TRUE(labelled_series("f{stage=\"" + long_label + "\"} 1\n", "f").empty());
  const std::string longest(kMaxLabelValue, 'x');
  EXPECT_EQ(labelled_series("f{stage=\"" + longest + "\"} 1\n", "f").size(), 1u);
}

PipelineFigures reading(double consume_s, double consumed, double commits, double owned) {
  PipelineFigures f;
  f.stage_cpu = {{"consume", consume_s}, {"apply", consume_s / 2}};
  f.consumed = consumed;
  f.commits = commits;
  f.owned = owned;
  return f;
}

TEST(PipelineDelta, IsTheDifferenceOfTheCountersAndBothEndsOfTheGauge) {
  auto before = reading(1, 100, 10, 12);
  before.stage_cpu["gone"] = 5;  // a stage only one reading has is left out
  auto after = reading(3, 700, 40, 8);
  after.stale_commits = 2;
  after.duplicates = 4;
  const auto d = pipeline_delta(before, after);
  EXPECT_EQ(d.stage_cpu.size(), 2u);
  EXPECT_DOUBLE_EQ(d.stage_cpu.at("consume"), 2);
  EXPECT_DOUBLE_EQ(d.stage_cpu.at("apply"), 1);
  EXPECT_DOUBLE_EQ(d.consumed, 600);
  EXPECT_DOUBLE_EQ(d.commits, 30);
  EXPECT_DOUBLE_EQ(d.stale_commits, 2);
  EXPECT_DOUBLE_EQ(d.duplicates, 4);
  EXPECT_DOUBLE_EQ(d.owned_before, 12);
  EXPECT_DOUBLE_EQ(d.owned_after, 8);
  EXPECT_EQ(d.instances, 1);
}

TEST(PipelineDelta, SumsOverInstancesStageByStage) {
  const auto a = pipeline_delta(reading(0, 0, 0, 12), reading(2, 600, 30, 12));
  const auto b = pipeline_delta(reading(0, 0, 0, 12), reading(1, 300, 20, 12));
  const auto sum = sum_deltas({a, b});
  ASSERT_TRUE(sum);
  EXPECT_EQ(sum->instances, 2);
  EXPECT_DOUBLE_EQ(sum->stage_cpu.at("consume"), 3);
  EXPECT_DOUBLE_EQ(sum->stage_cpu.at("apply"), 1.5);
  EXPECT_DOUBLE_EQ(sum->consumed, 900);
  EXPECT_DOUBLE_EQ(sum->commits, 50);
  EXPECT_DOUBLE_EQ(sum->owned_before, 24);
  EXPECT_DOUBLE_EQ(sum->owned_after, 24);
}

TEST(PipelineDelta, NoSumWhenAnInstanceIsMissing) {
  const auto a = pipeline_delta(reading(0, 0, 0, 12), reading(2, 600, 30, 12));
  EXPECT_FALSE(sum_deltas({a, std::nullopt}));
  EXPECT_FALSE(sum_deltas({std::nullopt, a}));
  EXPECT_FALSE(sum_deltas({}));
}

TEST(ProcessGroups, SumsTheProcessesOfANameAndKeepsEach) {
  const auto g = group_readings({{"enrollmentd", 11, 2.0, 100},
                                 {"redis-server", 21, 0.5, 10},
                                 {"enrollmentd", 12, 1.0, 50},
                                 {"redis-server", 22, 0.25, std::nullopt},
                                 {"enroll-bench", 0, 0.1, 5}});
  EXPECT_TRUE(g.unreadable.empty());
  ASSERT_EQ(g.groups.size(), 3u);
  EXPECT_EQ(g.groups[0].name, "enrollmentd");  // in the order of first appearance
  EXPECT_DOUBLE_EQ(g.groups[0].seconds, 3.0);
  EXPECT_EQ(g.groups[0].peak_rss_kib.value_or(-1), 150);
  ASSERT_EQ(g.groups[0].members.size(), 2u);
  EXPECT_EQ(g.groups[0].members[1].pid, 12);
  EXPECT_DOUBLE_EQ(g.groups[0].members[1].cpu_s, 1.0);
  EXPECT_EQ(g.groups[1].name, "redis-server");
  EXPECT_DOUBLE_EQ(g.groups[1].seconds, 0.75);
  EXPECT_FALSE(g.groups[1].peak_rss_kib);  // one peak unknown: no sum
  EXPECT_EQ(g.groups[2].name, "enroll-bench");
  EXPECT_EQ(g.groups[2].members.size(), 1u);
}

TEST(ProcessGroups, ANameWithAnUnreadableProcessIsLeftOut) {
  const auto g = group_readings({{"enrollmentd", 11, 2.0, 100},
                                 {"kafka", 31, 1.0, 1},
                                 {"enrollmentd", 12, std::nullopt, 50},
                                 {"enrollmentd", 13, 1.0, 50}});
  ASSERT_EQ(g.groups.size(), 1u);
  EXPECT_EQ(g.groups[0].name, "kafka");
  ASSERT_EQ(g.unreadable.size(), 1u);
  EXPECT_EQ(g.unreadable[0], "enrollmentd");
}

TEST(RedisInfo, ReadsAWholeNumberField) {
  const std::string info =
      "# Memory\r\nused_memory_rss:900\r\nused_memory:1234567\r\nused_memory_human:1.18M\r\n";
  EXPECT_EQ(info_integer(info, "used_memory").value_or(-1), 1234567);
  EXPECT_EQ(info_integer(info, "used_memory_rss").value_or(-1), 900);
  EXPECT_FALSE(info_integer(info, "used_memory_human"));  // not a whole number
  EXPECT_FALSE(info_integer(info, "used"));
  EXPECT_FALSE(info_integer("", "used_memory"));
  EXPECT_EQ(info_integer("# Server\nprocess_id:4242", "process_id").value_or(-1), 4242);
}

}  // namespace
}  // namespace enroll::bench
