#pragma once
// The engine: a pure function (state, event, now) -> (state', effects). No I/O, no clock;
// the same inputs always give the same outputs, so a replay after a crash is exact.
#include <optional>

#include "workflows/commands.hpp"
#include "workflows/crypto/passcode_verifier.hpp"
#include "workflows/effects.hpp"
#include "workflows/engine_config.hpp"
#include "workflows/state.hpp"
#include "workflows/time.hpp"

namespace enroll {

// `current` is nullopt for a registration never seen. The caller has already checked that
// `event.subject` names the registration.
// A timer event (CommandType::timer) wakes the registration when `next_timer()` is due (its
// id is derived from the due time by the shell). It is remembered for deduplication only if it
// changed something: a copy that came too early (nothing due yet) may come again and act.
Outcome apply(const std::optional<Registration>& current, const Inbound& event, Timestamp now,
              const EngineConfig& config);

// The Argon2id work `event` would cost at `state`'s current step, if that step awaits it now:
// the step's kind decides (e.g. only a passcode pair its policy accepts), so that the shell,
// which does such work ahead on other threads, only for commands that can count, mirrors no
// rule. nullopt: none.
std::optional<crypto::PasscodeWork> passcode_work(const Registration& state, const Inbound& event,
                                                  const EngineConfig& config);

}  // namespace enroll
