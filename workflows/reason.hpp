#pragma once
// Why a registration was asked again, ended or locked, and why a command was refused: a typed
// code and a detail for people. One table (reason.cpp) gives each code its wire name; events
// carry a reason as {"code": "...", "detail": "..."} (README "Events").
//
// A registration's stored state keeps its `reason` and `step_reason` as text, the stored form
// below ("code" or "code: detail"), which reads back to the same Reason.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace enroll {

enum class ReasonCode {
  other,  // a reason stored before reasons were typed: its whole text is the detail
  // The citizen is asked again (registration.awaiting), or a step gives up on it.
  connector_error,         // the connector answered failed; detail: its error code
  blurry,                  // a card photo below the step's min_sharpness
  citizen_id_unreadable,   // detail: what is wrong with the ID read
  citizen_id_differs,      // the card read is not the citizen's
  card_fields_unreadable,  // the card's printed fields are missing
  laser_code_unreadable,   // detail: what is wrong with the laser code read
  citizen_id_invalid,      // a typed citizen ID; detail: what is wrong with it
  citizen_id_differs_from_checked_card,
  card_data_not_confirmed,  // the citizen did not confirm the card's data
  card_fields_missing,      // card.verify answered code 5
  liveness_too_low,
  face_mismatch,
  fingerprint_mismatch,
  no_permissions_granted,
  sealed_passcode_unreadable,
  sealed_passcode_misbound,
  passcode_refused,    // detail: the policy's violation (passcode_length, passcode_sequence, ...)
  passcode_incorrect,  // consent confirmation with a wrong passcode
  qr_invalid,
  qr_reused,
  qr_superseded,
  qr_expired,
  qr_device_missing,  // a qr.scan at a step that binds the device names none
  wrong_finger,       // detail: the finger given; the step takes the ones its config names
  operator_retry,     // an operator asked for the step again
  operator_rewind,
  cool_down_over,
  handed_over,  // detail: the channel handed over from
  // A registration ends (registration.rejected / .cancelled / .expired) or is locked.
  attempts_exhausted,  // detail: "<step>: <the last try's reason>"
  task_failed,         // retries used up; detail: "<task>: <error code>"
  review_failed,       // detail: the connector's error code
  officer_rejected,    // detail: the officer's reason
  identity_failed,
  identity_no_digital_id,
  not_enrolled,  // passcode-reset: the registry holds no issued identity for the citizen
  qr_display_failed,
  face_match_failed,
  card_check_failed,
  card_revoked,
  card_expired,
  card_not_found_or_mismatch,
  card_check_unknown_code,  // detail: the code
  cancelled_by_citizen,     // detail: the citizen's words
  operator_cancel,          // detail: the operator's reason
  no_progress,              // expired; detail: since when
  // A command is refused (command.rejected).
  unexpected_command,  // not awaited now; detail: the command, the step and its stage
  unknown_step,        // operator.rewind to a step the channel lacks
  rewind_forward,
  already_started,
  unknown_channel,
  officer_required,
  citizen_id_required,
  officer_citizen_id_differs,
  no_step_to_take_over,
  unknown_registration,
  definition_not_loaded,
  registration_not_active,  // ended or locked; detail: its status
  not_authorised,  // the sender's principal may not send this (workflows/authorise.hpp); detail:
                   // the principal and what it tried
};
inline constexpr ReasonCode kLastReasonCode = ReasonCode::not_authorised;

struct Reason {
  ReasonCode code = ReasonCode::other;
  std::string detail;

  Reason() = default;
  Reason(ReasonCode c, std::string d = {}) : code(c), detail(std::move(d)) {}  // NOLINT
  bool operator==(const Reason&) const = default;
};

[[nodiscard]] std::string_view to_string(ReasonCode code);  // the wire name
[[nodiscard]] std::optional<ReasonCode> reason_code_from_string(std::string_view name);

// {"code": "<wire name>", "detail": "..."}
void to_json(nlohmann::json& j, const Reason& r);

// The stored form: "code", or "code: detail" when there is a detail. Empty: no reason.
[[nodiscard]] std::string stored(const Reason& r);
// The Reason of a stored form; text that does not start with a code (a state stored before
// reasons were typed) is `other` with the text as its detail.
[[nodiscard]] Reason reason_from_stored(std::string_view text);
// As an event or view member: null for an empty stored form.
[[nodiscard]] nlohmann::json reason_json(std::string_view stored_form);
// A reason read off the wire ({"code", "detail"}), for people: its stored form ("code: detail");
// empty for null or anything that is not a reason object.
[[nodiscard]] std::string reason_text(const nlohmann::json& wire);

}  // namespace enroll
