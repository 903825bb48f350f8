#pragma once
// The events the engine emits on enroll.events: one payload type per event type, each with
// the one to_json that writes its `data` (schemas/events/<type>.schema.json describes it; the
// shell adds state_version). The engine fills these in; nothing else builds event data.
// Reasons are typed (workflows/reason.hpp) and written as {"code", "detail"}.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "statemachines/lifecycle.hpp"
#include "workflows/commands.hpp"
#include "workflows/reason.hpp"
#include "workflows/time.hpp"

namespace enroll {

enum class EventType {
  started,
  awaiting,
  step_completed,
  step_failed,
  command_rejected,
  issued,
  rejected,
  expired,
  cancelled,
  locked,
  incident,
};
std::string_view to_string(EventType t);  // registration.started, ...

namespace events {

struct Started {
  static constexpr EventType type = EventType::started;
  std::string channel;
  int definition_version = 0;
  Device device;
};

// What the channel should ask the citizen for now.
struct Awaiting {
  static constexpr EventType type = EventType::awaiting;
  RegistrationState phase = RegistrationState::consent;
  std::string step;
  std::vector<CommandType> expects;
  std::optional<int> attempts_left;  // none: the step's tries are unlimited
  std::optional<Reason> reason;      // why it is asked again, if it is
};

struct StepCompleted {
  static constexpr EventType type = EventType::step_completed;
  RegistrationState phase = RegistrationState::consent;
  std::string step;
};

struct StepFailed {
  static constexpr EventType type = EventType::step_failed;
  RegistrationState phase = RegistrationState::consent;
  std::string step;
  std::string task;  // empty for a step without a task
  std::string error;
  bool retryable = false;
  int attempt = 0;
  std::optional<Timestamp> next_attempt_at;  // set when retryable
};

struct CommandRejected {
  static constexpr EventType type = EventType::command_rejected;
  Reason reason;
  CommandType command = CommandType::registration_start;
};

struct Issued {
  static constexpr EventType type = EventType::issued;
  std::string digital_id;
};

// registration.rejected, .expired and .cancelled: the same fields, three types.
template <EventType T>
struct Ended {
  static constexpr EventType type = T;
  Reason reason;
  RegistrationState phase = RegistrationState::consent;
  std::string step;
};
using Rejected = Ended<EventType::rejected>;
using Expired = Ended<EventType::expired>;
using Cancelled = Ended<EventType::cancelled>;

struct Locked {
  static constexpr EventType type = EventType::locked;
  Reason reason;
  RegistrationState phase = RegistrationState::consent;
  std::string step;
  std::optional<Timestamp> until;        // a cool-down ends then
  std::optional<std::string> hand_over;  // or another channel takes over
};

// A task's retries ran out on an error that may go away: the registration waits for an
// operator (retry, rewind or cancel) at this step.
struct Incident {
  static constexpr EventType type = EventType::incident;
  Reason reason;
  RegistrationState phase = RegistrationState::consent;
  std::string step;
  std::string task;
  std::string error;  // the last error code
  int attempts = 0;
};

void to_json(nlohmann::json& j, const Started& e);
void to_json(nlohmann::json& j, const Awaiting& e);
void to_json(nlohmann::json& j, const StepCompleted& e);
void to_json(nlohmann::json& j, const StepFailed& e);
void to_json(nlohmann::json& j, const CommandRejected& e);
void to_json(nlohmann::json& j, const Issued& e);
template <EventType T>
void to_json(nlohmann::json& j, const Ended<T>& e) {
  j = {{"reason", e.reason}, {"phase", to_string(e.phase)}, {"step", e.step}};
}
void to_json(nlohmann::json& j, const Locked& e);
void to_json(nlohmann::json& j, const Incident& e);

}  // namespace events

using EventPayload =
    std::variant<events::Started, events::Awaiting, events::StepCompleted, events::StepFailed,
                 events::CommandRejected, events::Issued, events::Rejected, events::Expired,
                 events::Cancelled, events::Locked, events::Incident>;

// An event on enroll.events; its type follows from its payload.
struct EmitEvent {
  EventPayload payload;

  [[nodiscard]] EventType type() const;
  [[nodiscard]] nlohmann::json data() const;  // the CloudEvent's `data`, less state_version
};

}  // namespace enroll
