#include "sim/scenario.hpp"

namespace enroll::sim {
namespace {

using nlohmann::json;

ScenarioAnswer parse_answer(const json& a, const std::string& where) {
  if (!a.is_object()) throw ScenarioError(where + ": an answer must be an object");
  ScenarioAnswer out;
  for (const auto& [field, value] : a.items()) {
    const std::string at = where + "." + field;
    if (field == "status") {
      if (!value.is_string()) throw ScenarioError(at + ": must be a string");
      const auto s = value.get<std::string>();
      if (s != "ok" && s != "retryable" && s != "failed") {
        throw ScenarioError(at + ": must be ok, retryable or failed, not '" + s + "'");
      }
      out.status = s;
    } else if (field == "outputs") {
      if (!value.is_object()) throw ScenarioError(at + ": must be an object");
      out.outputs = value;
    } else if (field == "error") {
      if (!value.is_object()) throw ScenarioError(at + ": must be an object");
      for (const auto& [k, v] : value.items()) {
        if ((k != "code" && k != "message") || !v.is_string()) {
          throw ScenarioError(at + ": only string code and message are allowed");
        }
      }
      out.error_code = value.value("code", "");
      out.error_message = value.value("message", "");
    } else if (field == "delay_ms") {
      if (!value.is_number_integer() || value.get<long long>() < 0) {
        throw ScenarioError(at + ": must be a non-negative integer");
      }
      out.delay = std::chrono::milliseconds(value.get<long long>());
    } else if (field == "drop") {
      if (!value.is_boolean()) throw ScenarioError(at + ": must be true or false");
      out.drop = value.get<bool>();
    } else {
      // A typo would otherwise silently give the default answer.
      throw ScenarioError(at + ": unknown field (status, outputs, error, delay_ms, drop)");
    }
  }
  return out;
}

}  // namespace

Scenario Scenario::from_json(const json& doc) {
  if (!doc.is_object()) throw ScenarioError("scenario: the top level must be an object");
  Scenario s;
  for (const auto& [key, tasks] : doc.items()) {
    if (key.empty()) throw ScenarioError("scenario: an empty key");
    if (!tasks.is_object()) throw ScenarioError(key + ": must map task names to answer lists");
    for (const auto& [task, answers] : tasks.items()) {
      const std::string where = key + "." + task;
      if (!answers.is_array()) throw ScenarioError(where + ": must be a list of answers");
      Script script;
      for (std::size_t i = 0; i < answers.size(); ++i) {
        script.answers.push_back(parse_answer(answers[i], where + "[" + std::to_string(i) + "]"));
      }
      s.scripts_.emplace(std::make_pair(key, task), std::move(script));
    }
  }
  return s;
}

Scenario Scenario::parse(std::string_view text) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    throw ScenarioError(std::string("scenario: not JSON: ") + e.what());
  }
  return from_json(doc);
}

bool Scenario::covers(const std::string& key, const std::string& task) const {
  return scripts_.count({key, task}) != 0;
}

std::optional<ScenarioAnswer> Scenario::next(const std::string& key, const std::string& task,
                                             const std::string& request_id) {
  const auto it = scripts_.find({key, task});
  if (it == scripts_.end()) return std::nullopt;
  Script& s = it->second;
  const bool redelivery = !request_id.empty() && s.used > 0 && request_id == s.last_request_id;
  const std::size_t index = redelivery ? s.used - 1 : s.used++;
  s.last_request_id = request_id;
  if (index >= s.answers.size()) return std::nullopt;
  return s.answers[index];
}

TaskReply apply(const ScenarioAnswer& a, TaskReply base) {
  if (a.status) base.status = *a.status;
  if (base.status == "ok") {
    base.error_code.clear();
    base.error_message.clear();
    for (const auto& [k, v] : a.outputs.items()) base.outputs[k] = v;
    return base;
  }
  // Not ok: the scripted error (or a generic one), and only the scripted outputs.
  base.outputs = a.outputs;
  if (!a.error_code.empty() || a.status) {
    base.error_code = a.error_code.empty() ? "scenario" : a.error_code;
    base.error_message = a.error_message.empty() ? "scripted by the scenario" : a.error_message;
  }
  return base;
}

}  // namespace enroll::sim
