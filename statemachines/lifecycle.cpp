#include "statemachines/lifecycle.hpp"

#include <array>
#include <utility>

namespace enroll {
namespace {

constexpr std::array<std::pair<Phase, std::string_view>, 7> kPhases{{
    {Phase::consent, "consent"},
    {Phase::card, "card"},
    {Phase::review, "review"},
    {Phase::biometrics, "biometrics"},
    {Phase::pin, "pin"},
    {Phase::consent_confirm, "consent-confirm"},
    {Phase::issued, "issued"},
}};
constexpr std::array<std::pair<Status, std::string_view>, 7> kStatuses{{
    {Status::active, "active"},
    {Status::issued, "issued"},
    {Status::rejected, "rejected"},
    {Status::expired, "expired"},
    {Status::cancelled, "cancelled"},
    {Status::locked, "locked"},
    {Status::quarantined, "quarantined"},
}};

template <class E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& table, E e) {
  for (const auto& [v, n] : table) {
    if (v == e) return n;
  }
  return "?";
}
template <class E, std::size_t N>
std::optional<E> value_of(const std::array<std::pair<E, std::string_view>, N>& table,
                          std::string_view s) {
  for (const auto& [v, n] : table) {
    if (n == s) return v;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(Phase p) { return name_of(kPhases, p); }
std::string_view to_string(Status s) { return name_of(kStatuses, s); }
std::optional<Phase> phase_from(std::string_view s) { return value_of(kPhases, s); }
std::optional<Status> status_from(std::string_view s) { return value_of(kStatuses, s); }

}  // namespace enroll
