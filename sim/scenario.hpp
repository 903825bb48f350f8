#pragma once
// Scripted connector answers for tests: per key (a registration id or a citizen ID) and
// task, the nth request gets the nth answer of the list; past the end, the default answer.
//
//   {"<registration id or citizen ID>": {"<task>": [<answer>, ...]}, ...}
//   answer: {"status": "ok"|"retryable"|"failed",       (default "ok")
//            "outputs": {...},                            (merged over the default outputs)
//            "error": {"code": "...", "message": "..."},  (status not ok; default "scenario")
//            "delay_ms": N,                               (answer after N ms, not the latency)
//            "drop": true}                                (never answer)
//   {} is the default answer (a placeholder for "the first one as usual").
//
// Pure: parsing and counting; the connector runner does the I/O. Not thread-safe.
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sim/task_types.hpp"

namespace enroll::sim {

class ScenarioError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ScenarioAnswer {
  std::optional<std::string> status;  // unset: the default answer's status
  nlohmann::json outputs = nlohmann::json::object();
  std::string error_code;
  std::string error_message;
  std::optional<std::chrono::milliseconds> delay;
  bool drop = false;
};

class Scenario {
 public:
  Scenario() = default;
  // Throws ScenarioError naming the offending key, task or answer.
  static Scenario from_json(const nlohmann::json& doc);
  static Scenario parse(std::string_view text);

  [[nodiscard]] bool empty() const { return scripts_.empty(); }
  // True if the scenario scripts `task` for `key` (even if the list is used up).
  [[nodiscard]] bool covers(const std::string& key, const std::string& task) const;
  // The answer for the next request of `task` for `key`, or nullopt (the default answer).
  // A request id equal to the previous one for this key and task is a redelivery: it gets
  // the same answer again and does not count.
  std::optional<ScenarioAnswer> next(const std::string& key, const std::string& task,
                                     const std::string& request_id = "");

 private:
  struct Script {
    std::vector<ScenarioAnswer> answers;
    std::size_t used = 0;
    std::string last_request_id;
  };
  std::map<std::pair<std::string, std::string>, Script> scripts_;
};

// `base` (the default answer) with the scripted answer applied: status and error replaced,
// outputs merged over the default outputs when the status is ok.
TaskReply apply(const ScenarioAnswer& answer, TaskReply base);

}  // namespace enroll::sim
