#include "apps/bench/figures/metrics_text.hpp"

#include <charconv>

namespace enroll::bench {
namespace {

// Calls `line_fn` with each line of `text` (without its '\n').
template <typename F>
void for_each_line(std::string_view text, F&& line_fn) {
  while (!text.empty()) {
    const auto end = text.find('\n');
    line_fn(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
}

std::optional<double> number(std::string_view text) {
  double value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::map<std::string, double> labelled_series(std::string_view metrics, std::string_view family) {
  std::map<std::string, double> out;
  for_each_line(metrics, [&](std::string_view line) {
    if (out.size() >= kMaxSeriesPerFamily) return;
    // family{label="value"} number
    if (line.size() <= family.size() || line.substr(0, family.size()) != family ||
        line[family.size()] != '{') {
      return;
    }
    const auto open = line.find('"', family.size());
    const auto close = open == std::string_view::npos ? open : line.find('"', open + 1);
    if (close == std::string_view::npos || close - open - 1 > kMaxLabelValue) return;
    if (line.substr(close + 1, 2) != "} ") return;
    const auto value = number(line.substr(close + 3));
    if (!value) return;
    out[std::string(line.substr(open + 1, close - open - 1))] = *value;
  });
  return out;
}

double series_value(std::string_view metrics, std::string_view name) {
  std::optional<double> found;
  for_each_line(metrics, [&](std::string_view line) {
    if (found || line.size() <= name.size() || line.substr(0, name.size()) != name ||
        line[name.size()] != ' ') {
      return;
    }
    found = number(line.substr(name.size() + 1));
  });
  return found.value_or(0);
}

std::optional<PipelineFigures> parse_pipeline_figures(std::string_view metrics) {
  PipelineFigures f;
  f.stage_cpu = labelled_series(metrics, "enroll_pipeline_cpu_seconds_total");
  if (f.stage_cpu.empty()) return std::nullopt;
  f.consumed = series_value(metrics, "enroll_events_consumed_total");
  f.commits = series_value(metrics, "enroll_commits_total");
  f.owned = series_value(metrics, "enroll_partitions_owned");
  f.stale_commits = series_value(metrics, "enroll_stale_commits_total");
  f.duplicates = series_value(metrics, "enroll_events_duplicate_total");
  return f;
}

PipelineDelta pipeline_delta(const PipelineFigures& before, const PipelineFigures& after) {
  PipelineDelta d;
  for (const auto& [stage, s] : after.stage_cpu) {
    const auto b = before.stage_cpu.find(stage);
    if (b != before.stage_cpu.end()) d.stage_cpu[stage] = s - b->second;
  }
  d.consumed = after.consumed - before.consumed;
  d.commits = after.commits - before.commits;
  d.stale_commits = after.stale_commits - before.stale_commits;
  d.duplicates = after.duplicates - before.duplicates;
  d.owned_before = before.owned;
  d.owned_after = after.owned;
  return d;
}

std::optional<PipelineDelta> sum_deltas(const std::vector<std::optional<PipelineDelta>>& each) {
  if (each.empty()) return std::nullopt;
  PipelineDelta total;
  total.instances = 0;
  for (const auto& d : each) {
    if (!d) return std::nullopt;
    for (const auto& [stage, s] : d->stage_cpu) total.stage_cpu[stage] += s;
    total.consumed += d->consumed;
    total.commits += d->commits;
    total.stale_commits += d->stale_commits;
    total.duplicates += d->duplicates;
    total.owned_before += d->owned_before;
    total.owned_after += d->owned_after;
    total.instances += d->instances;
  }
  return total;
}

}  // namespace enroll::bench
