#pragma once
// Typed inbound events: channel commands and connector results, after the shell has parsed
// and validated the CloudEvents envelope and opened any sealed passcode.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "workflows/ids.hpp"
#include "workflows/principal.hpp"
#include "workflows/secret.hpp"
#include "workflows/time.hpp"

namespace enroll {

enum class CommandType {
  registration_start,
  terms_accept,
  permissions_grant,
  card_front_capture,
  card_back_capture,
  selfie_capture,
  card_data_confirm,
  citizen_id_enter,
  fingerprint_capture,
  qr_scan,
  passcode_set,
  consent_confirm,
  registration_cancel,
  task_result,
  // Operator actions (the HTTP API writes them to the inbox, so they take the same ordered,
  // exactly-once path as everything else).
  operator_retry,
  operator_rewind,
  operator_cancel,
  // A deadline of the registration fell due. enrollmentd writes it to the inbox itself, so
  // that a timer takes its place in the log and a replay sees the same order.
  timer,
};

std::string_view to_string(CommandType t);  // the CloudEvents `type`
std::optional<CommandType> command_type_from(std::string_view type);

struct Device {
  std::string id;
  std::string platform;
};
struct Officer {
  std::string id;
  std::string counter;
};

struct RegistrationStart {
  std::string channel;
  Device device;
  std::optional<std::string> citizen_id;  // raw text; validated by the engine
  std::optional<Officer> officer;
};
struct TermsAccept {
  std::string terms_version;
};
struct PermissionsGrant {
  std::vector<std::string> permissions;
};
struct ImageCapture {  // card.front.capture, card.back.capture, selfie.capture
  ImageRef image_ref;
};
struct CardDataConfirm {
  bool confirmed = false;
};
struct CitizenIdEnter {
  std::string citizen_id;
};
struct FingerprintCapture {
  std::string template_ref;
  std::string finger;
  // The officer at the counter who took it (signed by the officer console; issue 13): checked
  // against the registration's officer (workflows/authorise.hpp). Empty: none named.
  std::string officer_id;
};
struct QrScan {
  std::string token;
  // The citizen's app that scanned it: at a step that binds the device, the device the
  // identity is issued to.
  std::optional<Device> device;
};
// The shell opens the sealed boxes; nullopt means the box could not be opened.
// Sealed passcodes: nullopt where a box did not open. `step` is the step the boxes were sealed
// for (crypto::BoundPasscode; the decoder has checked the registration); the step kind refuses
// another.
struct PasscodeSet {
  std::optional<SecretString> first;
  std::optional<SecretString> repeat;
  std::string step;
};
struct ConsentConfirm {
  std::optional<SecretString> passcode;
  std::string step;
};
struct RegistrationCancel {
  std::string reason;
};

enum class TaskStatus { ok, retryable, failed };
struct TaskError {
  std::string code;
  std::string message;
};
struct TaskResult {
  RequestId request_id;
  std::string task;
  TaskStatus status = TaskStatus::ok;
  nlohmann::json outputs = nlohmann::json::object();
  std::optional<TaskError> error;
};

// operator.retry / operator.rewind / operator.cancel: who, why, and for a rewind, where to.
struct OperatorAction {
  std::string operator_id;
  std::string reason;
  std::string to_step;  // rewind only
};
struct TimerFired {
  Timestamp due;  // the deadline it was fired for (the engine checks what is due at `now`)
};

using CommandPayload =
    std::variant<RegistrationStart, TermsAccept, PermissionsGrant, ImageCapture, CardDataConfirm,
                 CitizenIdEnter, FingerprintCapture, QrScan, PasscodeSet, ConsentConfirm,
                 RegistrationCancel, TaskResult, OperatorAction, TimerFired>;

struct Inbound {
  EventId id;
  std::string source;
  RegistrationId subject;
  CommandType type = CommandType::registration_start;
  CommandPayload payload;
  std::string traceparent;  // W3C trace context, carried to everything this causes
  // Who sent it, verified by the shell (issue 13: not yet filled in nor checked).
  Principal principal;
  // SHA-256 (hex) of the event's RFC 8785 bytes as it arrived, signature included, computed
  // by the shell's decoder: the audit records it causes carry it (input_sha256).
  std::string input_sha256{};
};

}  // namespace enroll
