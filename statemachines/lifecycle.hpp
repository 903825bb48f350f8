#pragma once
// The registration life cycle's one vocabulary (domain.md's phases and outcomes, by their wire
// names): the registration machine's states. A step's phase is one of the seven phases
// (is_phase: the six active ones and issued); Status is not a second life cycle but the read
// side's coarse view of a state (every active phase is `active`), plus `quarantined`.
#include <optional>
#include <string_view>

namespace enroll {

enum class RegistrationState {
  consent,
  card,
  review,
  biometrics,
  pin,
  consent_confirm,
  issued,
  rejected,
  expired,
  cancelled,
  locked,
  // A task's retries ran out on an error that may go away (a registry outage): parked with
  // its step for an operator to retry (Camunda's incident); no timer, no expiry meanwhile.
  incident
};

// Wire names: "consent", "card", "review", "biometrics", "pin", "consent-confirm", "issued",
// "rejected", "expired", "cancelled", "locked", "incident".
std::string_view to_string(RegistrationState s);
std::optional<RegistrationState> registration_state_from(std::string_view s);

// consent … consent_confirm: the registration is under way in that phase.
bool is_active_phase(RegistrationState s);
// An active phase or issued: what a step's `phase` may be.
bool is_phase(RegistrationState s);
// Only the names of phases (is_phase); nullopt for an outcome, locked or incident.
std::optional<RegistrationState> phase_from(std::string_view s);
// issued, rejected, expired, cancelled: no event leaves them.
bool is_terminal(RegistrationState s);
// The machine state while a step of `phase` runs: the phase itself, but consent-confirm for
// the issued phase's steps (the registration is issued when they complete).
RegistrationState phase_state(RegistrationState phase);

// quarantined is not a life-cycle state (the engine never reaches it): it is the read side's
// status of a registration whose stored state could not be decoded and was moved aside.
enum class Status { active, issued, rejected, expired, cancelled, locked, quarantined, incident };

Status status_of(RegistrationState s);
std::string_view to_string(Status s);
std::optional<Status> status_from(std::string_view s);

}  // namespace enroll
