#pragma once
// Command-to-event latency. A command is timed from when it is handed to the producer to
// when the first enroll.events message it caused is read back. enrollmentd's emitted ids
// are <registration>/<inbound event id>/<n>, so an event's cause is the middle of its id.
// A command that asks a connector first (a photo to OCR, a selfie for liveness and face
// match) causes a task.request instead; its result (the simulators' id:
// result/<request_id>) causes the event, or another request. So causes are followed through
// task requests back to the command: its latency ends at the event the citizen waits for.
// The request topics are read by other consumers than the events, so a result's event can
// be read before the request that links it to its command: such events (and requests) wait
// until the link arrives, keeping the time the event was read.
// Events caused by timers match no command and are not timed.
//
// Owner: the bench's one thread.
#include <chrono>
#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

namespace enroll::bench {

using Clock = std::chrono::steady_clock;

struct LatencySummary {
  std::size_t samples = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
};

// Exact order statistics (nearest rank) of `ms`, which it sorts.
LatencySummary summarize(std::vector<double>& ms);

// The inbound event id an emitted event id names as its cause, or "" if `id` does not have
// the <subject>/<cause>/<n> shape.
std::string cause_of(const std::string& id, const std::string& subject);

class LatencyRecorder {
 public:
  // `command` is the CloudEvent JSON as sent.
  void sent(const std::string& command, Clock::time_point at);
  // A task.request read from <prefix>requests.<connector>.
  void requested(const nlohmann::json& request);
  void received(const nlohmann::json& event, Clock::time_point at);
  // Forgets every sample and every command still waiting (after the warm-up).
  void reset();

  [[nodiscard]] std::size_t unanswered() const { return pending_.size(); }
  // Over all commands, and per command type.
  [[nodiscard]] LatencySummary overall() const;
  [[nodiscard]] std::map<std::string, LatencySummary> by_type() const;

 private:
  struct Pending {
    Clock::time_point at;
    std::string type;
  };
  // The command an inbound id descends from: itself, or via the task requests it caused.
  [[nodiscard]] const std::string* root_of(const std::string& cause) const;
  // Records that `result_id` descends from `command`, and resolves what waited for it.
  void link(const std::string& result_id, const std::string& command);
  void record(const std::string& command, Clock::time_point at);
  std::unordered_map<std::string, Pending> pending_;    // by command id
  std::unordered_map<std::string, std::string> roots_;  // task result id -> command id
  // Caused by a task result not yet linked: events (when first read), requests (their result id).
  std::unordered_map<std::string, Clock::time_point> unlinked_events_;
  std::unordered_multimap<std::string, std::string> unlinked_requests_;
  std::map<std::string, std::vector<double>> samples_;  // ms, by command type
};

}  // namespace enroll::bench
