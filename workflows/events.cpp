#include "workflows/events.hpp"

namespace enroll {

using nlohmann::json;

std::string_view to_string(EventType t) {
  switch (t) {
    case EventType::started:
      return "registration.started";
    case EventType::awaiting:
      return "registration.awaiting";
    case EventType::step_completed:
      return "step.completed";
    case EventType::step_failed:
      return "step.failed";
    case EventType::command_rejected:
      return "command.rejected";
    case EventType::issued:
      return "registration.issued";
    case EventType::rejected:
      return "registration.rejected";
    case EventType::expired:
      return "registration.expired";
    case EventType::cancelled:
      return "registration.cancelled";
    case EventType::locked:
      return "registration.locked";
    case EventType::incident:
      return "registration.incident";
  }
  return "?";
}

namespace events {
namespace {

// Absent optional members are written as null: consumers find every member in every event.
template <typename T>
json or_null(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

}  // namespace

void to_json(json& j, const Started& e) {
  j = {{"channel", e.channel},
       {"definition_version", e.definition_version},
       {"device", {{"id", e.device.id}, {"platform", e.device.platform}}}};
}

void to_json(json& j, const Awaiting& e) {
  json expects = json::array();
  for (auto t : e.expects) expects.push_back(to_string(t));
  j = {{"phase", to_string(e.phase)},
       {"step", e.step},
       {"expects", std::move(expects)},
       {"attempts_left", or_null(e.attempts_left)},
       {"reason", or_null(e.reason)}};
}

void to_json(json& j, const StepCompleted& e) {
  j = {{"phase", to_string(e.phase)}, {"step", e.step}};
}

void to_json(json& j, const StepFailed& e) {
  j = {{"phase", to_string(e.phase)},
       {"step", e.step},
       {"task", e.task},
       {"error", e.error},
       {"retryable", e.retryable},
       {"attempt", e.attempt},
       {"next_attempt_at",
        e.next_attempt_at ? json(to_rfc3339(*e.next_attempt_at)) : json(nullptr)}};
}

void to_json(json& j, const CommandRejected& e) {
  j = {{"reason", e.reason}, {"command", to_string(e.command)}};
}

void to_json(json& j, const Issued& e) { j = {{"digital_id", e.digital_id}}; }

// `until` and `hand_over` are written only when set (one or the other), as before.
void to_json(json& j, const Locked& e) {
  j = {{"reason", e.reason}, {"phase", to_string(e.phase)}, {"step", e.step}};
  if (e.until) j["until"] = to_rfc3339(*e.until);
  if (e.hand_over) j["hand_over"] = *e.hand_over;
}

void to_json(json& j, const Incident& e) {
  j = {{"reason", e.reason}, {"phase", to_string(e.phase)}, {"step", e.step}, {"task", e.task},
       {"error", e.error},   {"attempts", e.attempts}};
}

}  // namespace events

EventType EmitEvent::type() const {
  return std::visit([](const auto& p) { return std::decay_t<decltype(p)>::type; }, payload);
}

json EmitEvent::data() const {
  return std::visit([](const auto& p) { return json(p); }, payload);
}

}  // namespace enroll
