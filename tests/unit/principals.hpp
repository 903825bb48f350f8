#pragma once
// The principals the engine's tests give the messages they feed: the one a deployment's trust
// file would name as the sender of that message (workflows/authorise.hpp), as the shell sets
// it once the signature checks out. Free of gtest (the random walk and the fuzz targets use it).
#include <string>
#include <variant>

#include "workflows/commands.hpp"
#include "workflows/definition.hpp"
#include "workflows/principal.hpp"
#include "workflows/state.hpp"

namespace enroll::testing {

inline Principal principal(std::string name, Role role, std::vector<std::string> channels = {},
                           std::vector<std::string> tasks = {}) {
  std::string key = "key-of-" + name;
  return Principal{PrincipalName(std::move(name)), role, std::move(channels), std::move(tasks),
                   std::move(key)};
}

// `state`: the registration `in` is for (null: not started yet).
inline Principal fitting_principal(const Inbound& in, const Registration* state,
                                   const DefinitionCatalog& catalog) {
  const std::string channel = state != nullptr ? state->channel : "";
  switch (in.type) {
    case CommandType::timer:
      return principal("enrollmentd", Role::orchestrator);
    case CommandType::operator_retry:
    case CommandType::operator_rewind:
    case CommandType::operator_cancel:
      return principal("operator-http", Role::operator_);
    case CommandType::registration_start: {
      const auto& start = std::get<RegistrationStart>(in.payload);
      if (start.officer) {
        return principal("console-" + start.channel, Role::officer_console, {start.channel});
      }
      return principal("channel-" + start.channel, Role::channel, {start.channel});
    }
    case CommandType::fingerprint_capture:
      return principal("console-" + channel, Role::officer_console, {channel});
    case CommandType::task_result: {
      const auto& task = std::get<TaskResult>(in.payload).task;
      // The connector the definitions name for the task decides who answers it.
      for (const auto* def : catalog.all()) {
        for (const auto& step : def->steps) {
          if (!step.task || step.task->name != task) continue;
          if (step.task->connector == "orchestrator") {
            return principal("enrollmentd", Role::orchestrator);
          }
          if (step.task->connector == "officer") {
            return principal("console-" + channel, Role::officer_console, {channel}, {task});
          }
          return principal(step.task->connector, Role::connector, {}, {task});
        }
      }
      return principal("connector", Role::connector, {}, {task});
    }
    default:
      return principal("channel-" + channel, Role::channel, {channel});
  }
}

// The task the registration's step sends ("" if none): what a genuine result names.
inline std::string awaited_task(const Registration& s, const DefinitionCatalog& catalog) {
  const ChannelDefinition* def = catalog.get(s.channel, s.definition_version);
  const StepDef* step = def != nullptr ? def->find(s.step) : nullptr;
  return step != nullptr && step->task ? step->task->name : "";
}

// Gives `in` the fitting principal, unless it names one already.
inline void give_fitting_principal(Inbound& in, const Registration* state,
                                   const DefinitionCatalog& catalog) {
  if (in.principal.role == Role::none && in.principal.name.empty()) {
    in.principal = fitting_principal(in, state, catalog);
  }
}

}  // namespace enroll::testing
