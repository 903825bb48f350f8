#include "workflows/commands.hpp"

#include <array>
#include <utility>

namespace enroll {
namespace {

constexpr std::array<std::pair<CommandType, std::string_view>, 15> kTypes{{
    {CommandType::registration_start, "registration.start"},
    {CommandType::terms_accept, "terms.accept"},
    {CommandType::permissions_grant, "permissions.grant"},
    {CommandType::card_front_capture, "card.front.capture"},
    {CommandType::card_back_capture, "card.back.capture"},
    {CommandType::selfie_capture, "selfie.capture"},
    {CommandType::card_data_confirm, "card.data.confirm"},
    {CommandType::citizen_id_enter, "citizen_id.enter"},
    {CommandType::fingerprint_capture, "fingerprint.capture"},
    {CommandType::qr_scan, "qr.scan"},
    {CommandType::passcode_set, "passcode.set"},
    {CommandType::consent_confirm, "consent.confirm"},
    {CommandType::registration_cancel, "registration.cancel"},
    {CommandType::task_result, "task.result"},
    {CommandType::timer, "timer.fire"},
}};

}  // namespace

std::string_view to_string(CommandType t) {
  for (const auto& [v, n] : kTypes) {
    if (v == t) return n;
  }
  return "?";
}

std::optional<CommandType> command_type_from(std::string_view type) {
  for (const auto& [v, n] : kTypes) {
    if (n == type) return v;
  }
  return std::nullopt;
}

}  // namespace enroll
