#include "workflows/authorise.hpp"

#include <algorithm>
#include <variant>

#include "workflows/steps/step_kind.hpp"

namespace enroll {
namespace {

bool has(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// The registration-less part of every refusal: "<name> (<role>) may not send <type>".
std::string denied(const Inbound& ev, const std::string& why) {
  const auto& p = ev.principal;
  return (p.name.empty() ? std::string("no principal") : p.name.str()) + " (" +
         std::string(to_string(p.role)) + ") may not send " + std::string(to_string(ev.type)) +
         ": " + why;
}

// The tasks whose connector is enrollmentd's own (the one-active-registration claim).
bool orchestrator_task(const DefinitionCatalog& catalog, std::string_view task) {
  for (const auto* def : catalog.all()) {
    for (const auto& step : def->steps) {
      if (step.task && step.task->connector == "orchestrator" && step.task->name == task) {
        return true;
      }
    }
  }
  return false;
}

// The officer a counter action or an officer's decision names, against the registration's.
std::optional<std::string> officer_mismatch(const Registration& s, const std::string& named) {
  if (named.empty()) return "it names no officer";
  // A registration opened without an officer (none of today's channels has counter steps
  // then) takes any officer of a console serving its channel; the audit names them.
  if (s.officer && named != s.officer->id) {
    return "officer " + named + " is not the registration's officer";
  }
  return std::nullopt;
}

std::optional<std::string> start_refusal(const Inbound& ev) {
  const auto& p = ev.principal;
  const auto& cmd = std::get<RegistrationStart>(ev.payload);
  if (p.role == Role::channel) {
    // An officer's name is the officer console's to vouch for.
    if (cmd.officer) return "a channel back-end cannot start for an officer";
    if (!has(p.channels, cmd.channel)) return "channel " + cmd.channel + " is not its own";
    return std::nullopt;
  }
  if (p.role == Role::officer_console) {
    if (named_officer(ev).empty()) return "it names no officer";
    if (!has(p.channels, cmd.channel)) return "channel " + cmd.channel + " is not its own";
    return std::nullopt;
  }
  return "only a channel back-end or an officer console starts a registration";
}

std::optional<std::string> result_refusal(const Inbound& ev, const Registration& s,
                                          const ChannelDefinition* def,
                                          const DefinitionCatalog& catalog) {
  const auto& p = ev.principal;
  const auto& r = std::get<TaskResult>(ev.payload);
  switch (p.role) {
    case Role::connector:
      if (!has(p.tasks, r.task)) return "task " + r.task + " is not its own";
      break;
    case Role::officer_console:
      if (!has(p.tasks, r.task)) return "task " + r.task + " is not its own";
      if (!has(p.channels, s.channel)) return "channel " + s.channel + " is not its own";
      break;
    case Role::orchestrator:
      if (!orchestrator_task(catalog, r.task)) return "task " + r.task + " is not its own";
      break;
    default:
      return "only the connector of a task answers it";
  }
  const bool pending = s.active() && s.stage == StepState::awaiting_connector &&
                       s.pending_request && *s.pending_request == r.request_id;
  const StepDef* step = def != nullptr ? def->find(s.step) : nullptr;
  if (!pending || step == nullptr || !step->task) return std::nullopt;  // late: ignored
  if (step->task->name != r.task) {
    // The claimed task chose how the outputs were read (the takeover of issue 13).
    return "task " + r.task + " answers a request for " + step->task->name;
  }
  const StepKind* kind = find_step_kind(step->kind);
  if (kind != nullptr && kind->decided_by_officer()) {
    if (p.role != Role::officer_console) return "an officer decides " + r.task;
    // Only a decision names its officer; an error of the console (retried or failed) does not.
    if (r.status == TaskStatus::ok) {
      if (auto why = officer_mismatch(s, named_officer(ev))) return why;
    }
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(Role role) {
  switch (role) {
    case Role::none:
      return "none";
    case Role::channel:
      return "channel";
    case Role::officer_console:
      return "officer_console";
    case Role::connector:
      return "connector";
    case Role::operator_:
      return "operator";
    case Role::orchestrator:
      return "orchestrator";
  }
  return "none";
}

std::string named_officer(const Inbound& ev) {
  if (const auto* start = std::get_if<RegistrationStart>(&ev.payload)) {
    return start->officer ? start->officer->id : "";
  }
  if (const auto* fp = std::get_if<FingerprintCapture>(&ev.payload)) return fp->officer_id;
  if (const auto* r = std::get_if<TaskResult>(&ev.payload)) {
    if (r->outputs.is_object() && r->outputs.contains("officer_id") &&
        r->outputs.at("officer_id").is_string()) {
      return r->outputs.at("officer_id").get<std::string>();
    }
  }
  return "";
}

std::optional<std::string> refusal(const Inbound& ev, const Registration* state,
                                   const ChannelDefinition* def, const DefinitionCatalog& catalog) {
  const auto& p = ev.principal;
  const auto why = [&](std::optional<std::string> reason) -> std::optional<std::string> {
    if (!reason) return std::nullopt;
    return denied(ev, *reason);
  };
  if (p.role == Role::none) return denied(ev, "it has no role");
  switch (ev.type) {
    case CommandType::registration_start:
      return why(start_refusal(ev));
    case CommandType::timer:
      if (p.role != Role::orchestrator) return denied(ev, "only enrollmentd fires timers");
      return std::nullopt;
    case CommandType::operator_retry:
    case CommandType::operator_rewind:
    case CommandType::operator_cancel:
      if (p.role != Role::operator_) return denied(ev, "only the operator side acts as one");
      if (std::get<OperatorAction>(ev.payload).operator_id.empty()) {
        return denied(ev, "it names no operator");
      }
      return std::nullopt;
    default:
      break;
  }
  if (state == nullptr) return denied(ev, "no registration");  // the caller refuses it before
  if (ev.type == CommandType::task_result) return why(result_refusal(ev, *state, def, catalog));
  if (ev.type == CommandType::fingerprint_capture) {
    // Taken at the counter, on the officer's scanner.
    if (p.role != Role::officer_console) return denied(ev, "an officer takes it at the counter");
    if (!has(p.channels, state->channel)) {
      return denied(ev, "channel " + state->channel + " is not its own");
    }
    return why(officer_mismatch(*state, named_officer(ev)));
  }
  // The citizen's commands and registration.cancel: the channel's back-end.
  if (p.role != Role::channel) return denied(ev, "the citizen's channel sends it");
  if (!has(p.channels, state->channel)) {
    return denied(ev, "channel " + state->channel + " is not its own");
  }
  return std::nullopt;
}

}  // namespace enroll
