#pragma once
// The registration life cycle's vocabulary: canonical phases and outcomes (domain.md).
// The Boost.MSM machines over these arrive with the channels issue; the names are the
// contract's wire names.
#include <optional>
#include <string_view>

namespace enroll {

enum class Phase { consent, card, review, biometrics, pin, consent_confirm, issued };
// quarantined is not a life-cycle state (the engine never reaches it): it is the read side's
// status of a registration whose stored state could not be decoded and was moved aside.
enum class Status { active, issued, rejected, expired, cancelled, locked, quarantined };

std::string_view to_string(Phase p);
std::string_view to_string(Status s);
std::optional<Phase> phase_from(std::string_view s);
std::optional<Status> status_from(std::string_view s);

}  // namespace enroll
