#pragma once
// The engine: a pure function (state, event, now) -> (state', effects). No I/O, no clock;
// the same inputs always give the same outputs, so a replay after a crash is exact.
#include <optional>

#include "workflows/commands.hpp"
#include "workflows/effects.hpp"
#include "workflows/engine_config.hpp"
#include "workflows/state.hpp"
#include "workflows/time.hpp"

namespace enroll {

// `current` is nullopt for a registration never seen. The caller has already checked that
// `event.subject` names the registration.
// A timer event (CommandType::timer) wakes the registration when `next_timer()` is due; it
// is not remembered for deduplication (its id is derived from the due time by the shell).
Outcome apply(const std::optional<Registration>& current, const Inbound& event, Timestamp now,
              const EngineConfig& config);

// Whether `state` waits for a command of `type` at its current step now (the engine would take
// it up, not refuse it): for the shell, which does costly work ahead (Argon2id) only for
// commands that can count.
bool awaits(const Registration& state, CommandType type, const EngineConfig& config);

}  // namespace enroll
