#pragma once
// The Argon2id work of a batch, queued on the pool (PasscodePool) before the engine runs the
// batch in order. What is worth doing the engine says (passcode_work: the awaiting step's kind
// decides, by the rules it applies itself). Argon2id costs ~19 MiB and tens of ms each: it is
// spent ahead only on a passcode command that its registration's loaded state awaits, and once
// per registration and batch, so a sender cannot buy hashes with commands for unknown
// registrations, or many for one. Whatever is not computed here the engine computes itself
// when it gets there: the states are the same either way.
//
// Called on the pipeline thread.
#include <cstddef>
#include <map>
#include <optional>
#include <span>

#include "service/pipeline/passcode_pool.hpp"
#include "workflows/commands.hpp"
#include "workflows/engine_config.hpp"
#include "workflows/state.hpp"

namespace enroll {

// Adds to `pool` the work of `inputs` (the batch's decoded commands, in order) against the
// loaded `states`; returns for how many registrations.
std::size_t queue_passcode_work(PasscodePool& pool, std::span<const Inbound* const> inputs,
                                const std::map<RegistrationId, std::optional<Registration>>& states,
                                const EngineConfig& engine);

}  // namespace enroll
