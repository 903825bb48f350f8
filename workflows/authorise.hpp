#pragma once
// Who may send what (issue 13): the engine's rules over the verified principal of an inbox
// message (Inbound::principal, filled by the shell once the signature checks out), the
// registration it names and that registration's definition. The rules need the state (the
// step awaited, the pending request, the registration's officer), so they live here and not
// in the shell; a refusal is a command.rejected `not_authorised` and an audit record.
//
//   channel          registration.start of a channel in its `channels` (naming no officer);
//                    the citizen's commands and registration.cancel for a registration whose
//                    channel is in its `channels`
//   officer_console  registration.start naming an officer, of a channel in its `channels`
//                    (officer-assisted, hand-overs); the counter commands (fingerprint.capture)
//                    and the results of the tasks in its `tasks` (review.request,
//                    qr.display) for a registration of those channels. An officer's decision
//                    (the counter command, a step decided_by_officer) names the officer, who
//                    must be the one the registration was opened by (or handed over to).
//   connector        task.result of the tasks in its `tasks`
//   operator_        operator.retry / rewind / cancel, naming the operator
//   orchestrator     timer.fire, and the results of its own tasks (connector `orchestrator`)
//   none             nothing
// A task.result answering the pending request must also name the task the step awaits. One
// answering no pending request is let through when its sender may answer that task: the
// engine ignores it as late (as it did before), so it changes nothing either way.
#include <optional>
#include <string>
#include <string_view>

#include "workflows/commands.hpp"
#include "workflows/definition.hpp"
#include "workflows/principal.hpp"
#include "workflows/state.hpp"

namespace enroll {

std::string_view to_string(Role role);  // as the trust file and the audit name it

// The officer `event`'s signed data names: a registration.start's officer, a counter command's
// (fingerprint.capture), an officer's decision's (`officer_id` of the outputs). "" if none.
[[nodiscard]] std::string named_officer(const Inbound& event);

// Why `event`'s principal may not send it: the detail of the not_authorised reason (names the
// principal and what it tried); nullopt when it may. `state`: the registration (null for a
// registration.start of one not seen yet); `def`: its definition (null if not loaded).
[[nodiscard]] std::optional<std::string> refusal(const Inbound& event, const Registration* state,
                                                 const ChannelDefinition* def,
                                                 const DefinitionCatalog& catalog);

}  // namespace enroll
