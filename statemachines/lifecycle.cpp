#include "statemachines/lifecycle.hpp"

#include <array>
#include <utility>

#include "statemachines/name_table.hpp"

namespace enroll {
namespace {

using S = RegistrationState;

constexpr NameTable kStates{std::array<std::pair<S, std::string_view>, 12>{{
    {S::consent, "consent"},
    {S::card, "card"},
    {S::review, "review"},
    {S::biometrics, "biometrics"},
    {S::pin, "pin"},
    {S::consent_confirm, "consent-confirm"},
    {S::issued, "issued"},
    {S::rejected, "rejected"},
    {S::expired, "expired"},
    {S::cancelled, "cancelled"},
    {S::locked, "locked"},
    {S::incident, "incident"},
}}};
constexpr NameTable kStatuses{std::array<std::pair<Status, std::string_view>, 8>{{
    {Status::active, "active"},
    {Status::issued, "issued"},
    {Status::rejected, "rejected"},
    {Status::expired, "expired"},
    {Status::cancelled, "cancelled"},
    {Status::locked, "locked"},
    {Status::quarantined, "quarantined"},
    {Status::incident, "incident"},
}}};

}  // namespace

std::string_view to_string(RegistrationState s) { return kStates.name(s); }
std::optional<RegistrationState> registration_state_from(std::string_view s) {
  return kStates.value(s);
}

bool is_active_phase(RegistrationState s) { return s >= S::consent && s <= S::consent_confirm; }
bool is_phase(RegistrationState s) { return is_active_phase(s) || s == S::issued; }
std::optional<RegistrationState> phase_from(std::string_view s) {
  const auto state = registration_state_from(s);
  if (state && is_phase(*state)) return state;
  return std::nullopt;
}
bool is_terminal(RegistrationState s) {
  return s == S::issued || s == S::rejected || s == S::expired || s == S::cancelled;
}

RegistrationState phase_state(RegistrationState phase) {
  return phase == S::issued ? S::consent_confirm : phase;
}

Status status_of(RegistrationState s) {
  switch (s) {
    case S::issued:
      return Status::issued;
    case S::rejected:
      return Status::rejected;
    case S::expired:
      return Status::expired;
    case S::cancelled:
      return Status::cancelled;
    case S::locked:
      return Status::locked;
    case S::incident:
      return Status::incident;
    default:
      return Status::active;
  }
}
std::string_view to_string(Status s) { return kStatuses.name(s); }
std::optional<Status> status_from(std::string_view s) { return kStatuses.value(s); }

}  // namespace enroll
