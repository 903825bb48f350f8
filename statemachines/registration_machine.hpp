#pragma once
// The registration machine: where a registration stands in the canonical phases
// (domain.md) and which moves are legal. Implemented with Boost.MSM in
// registration_machine.cpp; this header is pure C++ on purpose, so that the engine and
// everything above it include it without paying MSM's compile cost.
#include <compare>
#include <optional>
#include <string_view>
#include <variant>

#include "statemachines/lifecycle.hpp"

namespace enroll {

namespace reg {
// To the next canonical phase (consent→card→review→biometrics→pin→consent_confirm→issued).
struct NextPhase {};
// To the previous phase (card→consent … consent_confirm→pin); refused in consent.
struct PreviousPhase {};
// Any active phase or locked → that terminal state.
struct Reject {};
struct Expire {};
struct Cancel {};
// Any active phase (not issued) → locked, remembering the phase.
struct Lock {};
// Locked → the phase it was locked in (cool-down over, operator retry).
struct Unlock {};
// Locked → the phase it was locked in, in another channel: the same move as Unlock, a
// separate event so that the audit trail tells them apart.
struct HandOver {};
// Any active phase (not issued) → incident, remembering the phase: a task's retries ran out.
struct Park {};
// Incident → the phase it was parked in (an operator's retry or rewind).
struct Resume {};
}  // namespace reg

using RegistrationEvent =
    std::variant<reg::NextPhase, reg::PreviousPhase, reg::Reject, reg::Expire, reg::Cancel,
                 reg::Lock, reg::Unlock, reg::HandOver, reg::Park, reg::Resume>;

// Where a registration stands: its state, and for `locked` or `incident` the phase it was
// locked or parked in. `held_in` means nothing in other states; the machine returns it as
// `consent` there.
struct RegistrationPosition {
  RegistrationState state = RegistrationState::consent;
  RegistrationState held_in = RegistrationState::consent;
  auto operator<=>(const RegistrationPosition&) const = default;
};

// The machine's move: the new position, or nullopt if `event` is not allowed at `from`
// (NextPhase from issued, anything from a terminal state, Unlock when not locked, …) or if
// `from` is not a position the machine can be in (locked in a state that is not an active
// phase). Pure and thread-safe: each call runs a machine of its own on the stack.
std::optional<RegistrationPosition> registration_transition(const RegistrationPosition& from,
                                                            const RegistrationEvent& event);

}  // namespace enroll
