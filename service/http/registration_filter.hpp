#pragma once
// The registration filters of the HTTP API, one grammar for every route that takes them: the
// listing (GET /v1/registrations), its count (GET /v1/registrations/count) and the condition
// of an operator action sent for a bulk query ("query" in the body: the registration must still
// match when the action is checked). Keys: phase, status, channel, step, stuck_for; each value
// must be one the service knows.
#include <map>
#include <string>
#include <vector>

#include "adapters/redis/read_model.hpp"
#include "workflows/definition.hpp"
#include "workflows/state.hpp"

namespace enroll::http {

// The phases, in their canonical order (what a phase filter may name; the funnel's order).
inline constexpr RegistrationState all_phases[] = {
    RegistrationState::consent,    RegistrationState::card, RegistrationState::review,
    RegistrationState::biometrics, RegistrationState::pin,  RegistrationState::consent_confirm,
    RegistrationState::issued};

// The values a filter may name: the channels and the steps of every definition loaded.
struct FilterNames {
  std::vector<std::string> channels;
  std::vector<std::string> steps;
};
FilterNames filter_names(const DefinitionCatalog& catalog);

// The filter of a parsed query string (other parameters are the caller's to check); throws
// RequestError 400 bad_filter (an unknown phase, status, channel or step) or bad_duration.
// stuck_for: no change for longer than the duration, as of `now`; active unless a status is
// given.
redis::ListFilter parse_filter(const std::map<std::string, std::string>& query,
                               const FilterNames& names, Timestamp now);

// Whether `registration` matches every condition of `filter`, as the listing would match
// its meta.
bool matches(const Registration& registration, const redis::ListFilter& filter);

}  // namespace enroll::http
