#include "workflows/reason.hpp"

#include <array>

namespace enroll {
namespace {

struct Row {
  ReasonCode code;
  std::string_view name;
};

// The one table of wire names, in the enum's order (to_string indexes it).
constexpr std::array kNames{
    Row{ReasonCode::other, "other"},
    Row{ReasonCode::connector_error, "connector_error"},
    Row{ReasonCode::blurry, "blurry"},
    Row{ReasonCode::citizen_id_unreadable, "citizen_id_unreadable"},
    Row{ReasonCode::citizen_id_differs, "citizen_id_differs"},
    Row{ReasonCode::card_fields_unreadable, "card_fields_unreadable"},
    Row{ReasonCode::laser_code_unreadable, "laser_code_unreadable"},
    Row{ReasonCode::citizen_id_invalid, "citizen_id_invalid"},
    Row{ReasonCode::citizen_id_differs_from_checked_card, "citizen_id_differs_from_checked_card"},
    Row{ReasonCode::card_data_not_confirmed, "card_data_not_confirmed"},
    Row{ReasonCode::card_fields_missing, "card_fields_missing"},
    Row{ReasonCode::liveness_too_low, "liveness_too_low"},
    Row{ReasonCode::face_mismatch, "face_mismatch"},
    Row{ReasonCode::fingerprint_mismatch, "fingerprint_mismatch"},
    Row{ReasonCode::no_permissions_granted, "no_permissions_granted"},
    Row{ReasonCode::sealed_passcode_unreadable, "sealed_passcode_unreadable"},
    Row{ReasonCode::sealed_passcode_misbound, "sealed_passcode_misbound"},
    Row{ReasonCode::passcode_refused, "passcode_refused"},
    Row{ReasonCode::passcode_incorrect, "passcode_incorrect"},
    Row{ReasonCode::qr_invalid, "qr_invalid"},
    Row{ReasonCode::qr_reused, "qr_reused"},
    Row{ReasonCode::qr_superseded, "qr_superseded"},
    Row{ReasonCode::qr_expired, "qr_expired"},
    Row{ReasonCode::qr_device_missing, "qr_device_missing"},
    Row{ReasonCode::wrong_finger, "wrong_finger"},
    Row{ReasonCode::operator_retry, "operator_retry"},
    Row{ReasonCode::operator_rewind, "operator_rewind"},
    Row{ReasonCode::cool_down_over, "cool_down_over"},
    Row{ReasonCode::handed_over, "handed_over"},
    Row{ReasonCode::attempts_exhausted, "attempts_exhausted"},
    Row{ReasonCode::task_failed, "task_failed"},
    Row{ReasonCode::review_failed, "review_failed"},
    Row{ReasonCode::officer_rejected, "officer_rejected"},
    Row{ReasonCode::identity_failed, "identity_failed"},
    Row{ReasonCode::identity_no_digital_id, "identity_no_digital_id"},
    Row{ReasonCode::not_enrolled, "not_enrolled"},
    Row{ReasonCode::qr_display_failed, "qr_display_failed"},
    Row{ReasonCode::face_match_failed, "face_match_failed"},
    Row{ReasonCode::card_check_failed, "card_check_failed"},
    Row{ReasonCode::card_revoked, "card_revoked"},
    Row{ReasonCode::card_expired, "card_expired"},
    Row{ReasonCode::card_not_found_or_mismatch, "card_not_found_or_mismatch"},
    Row{ReasonCode::card_check_unknown_code, "card_check_unknown_code"},
    Row{ReasonCode::cancelled_by_citizen, "cancelled_by_citizen"},
    Row{ReasonCode::operator_cancel, "operator_cancel"},
    Row{ReasonCode::no_progress, "no_progress"},
    Row{ReasonCode::unexpected_command, "unexpected_command"},
    Row{ReasonCode::unknown_step, "unknown_step"},
    Row{ReasonCode::rewind_forward, "rewind_forward"},
    Row{ReasonCode::already_started, "already_started"},
    Row{ReasonCode::unknown_channel, "unknown_channel"},
    Row{ReasonCode::officer_required, "officer_required"},
    Row{ReasonCode::citizen_id_required, "citizen_id_required"},
    Row{ReasonCode::officer_citizen_id_differs, "officer_citizen_id_differs"},
    Row{ReasonCode::no_step_to_take_over, "no_step_to_take_over"},
    Row{ReasonCode::unknown_registration, "unknown_registration"},
    Row{ReasonCode::definition_not_loaded, "definition_not_loaded"},
    Row{ReasonCode::registration_not_active, "registration_not_active"},
    Row{ReasonCode::not_authorised, "not_authorised"},
};
static_assert(kNames.size() == static_cast<std::size_t>(kLastReasonCode) + 1);

constexpr std::string_view kSeparator = ": ";

}  // namespace

std::string_view to_string(ReasonCode code) {
  return kNames.at(static_cast<std::size_t>(code)).name;
}

std::optional<ReasonCode> reason_code_from_string(std::string_view name) {
  for (const auto& row : kNames) {
    if (row.name == name) return row.code;
  }
  return std::nullopt;
}

void to_json(nlohmann::json& j, const Reason& r) {
  j = {{"code", to_string(r.code)}, {"detail", r.detail}};
}

std::string stored(const Reason& r) {
  if (r.code == ReasonCode::other) return r.detail;
  std::string out(to_string(r.code));
  if (!r.detail.empty()) out.append(kSeparator).append(r.detail);
  return out;
}

Reason reason_from_stored(std::string_view text) {
  const auto sep = text.find(kSeparator);
  const auto head = text.substr(0, sep);
  const auto code = reason_code_from_string(head);
  if (!code || *code == ReasonCode::other) return {ReasonCode::other, std::string(text)};
  if (sep == std::string_view::npos) return {*code, {}};
  return {*code, std::string(text.substr(sep + kSeparator.size()))};
}

nlohmann::json reason_json(std::string_view stored_form) {
  if (stored_form.empty()) return nullptr;
  return reason_from_stored(stored_form);
}

std::string reason_text(const nlohmann::json& wire) {
  if (!wire.is_object() || !wire.contains("code") || !wire["code"].is_string()) return {};
  const auto& detail = wire.contains("detail") ? wire["detail"] : nlohmann::json();
  std::string out = wire["code"].get<std::string>();
  if (detail.is_string() && !detail.get<std::string>().empty()) {
    out.append(kSeparator).append(detail.get<std::string>());
  }
  return out;
}

}  // namespace enroll
