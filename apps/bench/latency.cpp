#include "apps/bench/latency.hpp"

#include <algorithm>
#include <cmath>

namespace enroll::bench {
namespace {

constexpr std::string_view kResultPrefix = "result/";

double nearest_rank(const std::vector<double>& sorted, double q) {
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

}  // namespace

LatencySummary summarize(std::vector<double>& ms) {
  LatencySummary s;
  s.samples = ms.size();
  if (ms.empty()) return s;
  std::sort(ms.begin(), ms.end());
  s.p50_ms = nearest_rank(ms, 0.50);
  s.p99_ms = nearest_rank(ms, 0.99);
  s.max_ms = ms.back();
  return s;
}

std::string cause_of(const std::string& id, const std::string& subject) {
  if (subject.empty() || id.size() <= subject.size() + 1 ||
      id.compare(0, subject.size(), subject) != 0 || id[subject.size()] != '/') {
    return {};
  }
  const auto last = id.rfind('/');
  if (last <= subject.size()) return {};
  return id.substr(subject.size() + 1, last - subject.size() - 1);
}

void LatencyRecorder::sent(const std::string& command, Clock::time_point at) {
  // The driver builds the command, so it parses; the cost is small beside the round trip.
  const auto j = nlohmann::json::parse(command, nullptr, false);
  if (!j.is_object()) return;
  pending_[j.value("id", "")] = Pending{at, j.value("type", "")};
}

const std::string* LatencyRecorder::root_of(const std::string& cause) const {
  if (const auto it = pending_.find(cause); it != pending_.end()) return &it->first;
  if (const auto it = roots_.find(cause); it != roots_.end()) return &it->second;
  return nullptr;
}

void LatencyRecorder::record(const std::string& command, Clock::time_point at) {
  const auto it = pending_.find(command);
  if (it == pending_.end()) return;  // a later event of the same command, or not a command's
  samples_[it->second.type].push_back(
      std::chrono::duration<double, std::milli>(at - it->second.at).count());
  pending_.erase(it);
}

void LatencyRecorder::link(const std::string& result_id, const std::string& command) {
  roots_[result_id] = command;
  if (const auto it = unlinked_events_.find(result_id); it != unlinked_events_.end()) {
    record(command, it->second);
    unlinked_events_.erase(it);
  }
  const auto [first, last] = unlinked_requests_.equal_range(result_id);
  std::vector<std::string> next;
  for (auto it = first; it != last; ++it) next.push_back(it->second);
  unlinked_requests_.erase(first, last);
  for (const auto& id : next) link(id, command);
}

void LatencyRecorder::requested(const nlohmann::json& request) {
  if (!request.is_object() || !request.contains("data") || !request["data"].is_object()) return;
  const auto cause = cause_of(request.value("id", ""), request.value("subject", ""));
  // The id enroll-sim-connectors gives its task.result (sim::task_result_event).
  const std::string result_id =
      std::string(kResultPrefix) + request["data"].value("request_id", "");
  if (const auto* root = root_of(cause)) {
    link(result_id, std::string(*root));  // a copy: link() may grow the maps
  } else if (cause.starts_with(kResultPrefix)) {
    unlinked_requests_.emplace(cause, result_id);
  }
}

void LatencyRecorder::received(const nlohmann::json& event, Clock::time_point at) {
  if (!event.is_object()) return;
  const auto cause = cause_of(event.value("id", ""), event.value("subject", ""));
  if (const auto* root = root_of(cause)) {
    record(std::string(*root), at);
  } else if (cause.starts_with(kResultPrefix)) {
    unlinked_events_.emplace(cause, at);  // the first one read counts
  }
}

void LatencyRecorder::reset() {
  pending_.clear();
  roots_.clear();
  unlinked_events_.clear();
  unlinked_requests_.clear();
  samples_.clear();
}

LatencySummary LatencyRecorder::overall() const {
  std::vector<double> all;
  for (const auto& [type, ms] : samples_) all.insert(all.end(), ms.begin(), ms.end());
  return summarize(all);
}

std::map<std::string, LatencySummary> LatencyRecorder::by_type() const {
  std::map<std::string, LatencySummary> out;
  for (const auto& [type, ms] : samples_) {
    auto copy = ms;
    out[type] = summarize(copy);
  }
  return out;
}

}  // namespace enroll::bench
