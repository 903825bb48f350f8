#pragma once
// Who sent an inbox message: the principal whose key verified the message's signature, as the
// trust file in the key folder describes it (the shell verifies; issue 13). The engine decides
// on this, never on the free-text CloudEvents `source`.
#include <string>
#include <vector>

#include "workflows/ids.hpp"

namespace enroll {

using PrincipalName = StrongId<struct PrincipalNameTag>;

// What a principal is allowed to be. `none` has no rights (a default-constructed Principal).
enum class Role {
  none,
  channel,          // a channel back-end (app, kiosk): citizens' commands in its channels
  officer_console,  // registry-office consoles: officer-assisted starts and officer steps
  connector,        // capture devices, the civil registry, ...: results of its tasks
  operator_,        // the operator HTTP side: operator.* on behalf of a named operator
  orchestrator,     // enrollmentd itself: timer.fire and the results of its own tasks
};

struct Principal {
  PrincipalName name;  // e.g. "channel-kiosk", as the trust file names it
  Role role = Role::none;
  std::vector<std::string> channels;  // channel, officer_console: the channels it acts in
  std::vector<std::string> tasks;     // connector: the tasks whose results it may send
  std::string key_id;                 // the key that verified the message (for the audit)
};

}  // namespace enroll
