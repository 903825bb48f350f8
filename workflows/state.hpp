#pragma once
// One registration's state as stored (JSON in Redis). Everything the engine needs to decide
// the next transition lives here; the passcode only as an Argon2id verifier.
#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "statemachines/lifecycle.hpp"
#include "statemachines/registration_machine.hpp"
#include "statemachines/step_machine.hpp"
#include "workflows/commands.hpp"
#include "workflows/ids.hpp"
#include "workflows/time.hpp"

namespace enroll {

struct CardData {
  std::string first_name, last_name, first_name_en, last_name_en;
  std::string date_of_birth;  // YYYY-MM-DD, Gregorian
  std::string expiry_date;
  std::string laser_code;  // compact: 2 letters + 10 digits
  std::string front_ref, back_ref;
};

// Consent is a first-class record: which terms, when, and which confirmation bound them.
struct ConsentRecord {
  std::string terms_version;
  std::optional<Timestamp> accepted_at;
  std::optional<Timestamp> confirmed_at;
  std::string confirmed_by;  // id of the consent.confirm event
};

// The counter QR token shown on the officer's screen (see steps/qr_steps.cpp).
struct QrState {
  std::string token;
  std::optional<Timestamp> expires_at;
  std::vector<std::string> used;  // tokens already scanned (single use)
};

struct Registration {
  RegistrationId id;
  std::string channel;
  int definition_version = 0;
  RegistrationPosition position;  // the registration machine's state
  Phase phase = Phase::consent;   // the phase of the current (or last) step
  std::string step;
  StepState stage = StepState::awaiting_input;  // the step machine's state
  int attempt = 0;  // connector attempt of the current step's task (1-based once sent)
  int entries = 0;  // steps entered so far: makes every request id unique (re-entries too)
  std::optional<RequestId> pending_request;
  std::string pending_inputs = "{}";       // JSON of the pending task's inputs, for retries
  std::optional<Timestamp> step_deadline;  // task deadline, retry due, or cool-down end
  std::string step_reason;  // why the step was entered again (told with the next awaiting)
  Timestamp expires_at{};   // no progress until then: expired
  std::map<std::string, int> tries_used;  // per step name
  std::int64_t state_version = 0;
  std::int64_t audit_seq = 0;
  std::string audit_head;  // hash of the last audit record
  Timestamp created_at{};
  Timestamp updated_at{};
  Device device;
  std::optional<Officer> officer;
  std::optional<std::string> citizen_id;  // 13 digits, validated
  bool citizen_claimed = false;           // holds the one-active-registration claim
  CardData card;
  std::string selfie_ref;
  std::optional<double> liveness;
  std::optional<double> face_score;
  std::optional<double> fingerprint_score;
  QrState qr;
  std::string passcode_verifier;
  ConsentRecord consent;
  std::string digital_id;
  std::string locked_step;           // the step whose tries ran out (when locked)
  std::string hand_over_channel;     // the channel that may take over a locked registration
  std::string reason;                // why the registration ended / is locked
  std::vector<std::string> applied;  // ids of recently applied inbound events (dedupe)
  // Retention: when a finished registration may be purged (set when it ends, if retention is
  // on), and when it was: a purged registration is a tombstone that keeps only what says how
  // it ended (see tombstone()).
  std::optional<Timestamp> purge_at;
  std::optional<Timestamp> purged_at;

  [[nodiscard]] Status status() const;
  [[nodiscard]] bool active() const { return status() == Status::active; }
  [[nodiscard]] bool purged() const { return purged_at.has_value(); }
  // When the engine wants to be woken (a timer event): the step deadline or the expiry; once
  // finished, the purge time (if any and not yet purged).
  [[nodiscard]] std::optional<Timestamp> next_timer() const;
};

// What is kept of a finished registration once purged: id, channel, definition version, the
// final machine state, phase, step and reason, the times, state_version, the audit chain's
// seq and head, purge_at, and the dedupe window (copies of earlier inputs stay ignored, so a
// replay stays exact); everything captured, the pending request and the rest are dropped.
Registration tombstone(const Registration& finished, Timestamp purged_at);

// A stored record that cannot be decoded: bad JSON, too large or too deep, a missing field, a
// wrong type, an unknown enum name, a format version newer than this code. The reason names
// what is wrong, never a value of the record (records hold personal data).
class StateDecodeError : public std::runtime_error {
 public:
  explicit StateDecodeError(const std::string& reason) : std::runtime_error(reason) {}
};

nlohmann::json state_to_json(const Registration& s);
// Throws StateDecodeError on a malformed record.
Registration state_from_json(const nlohmann::json& j);
// A stored record (its bytes, as read from Redis): bounded parse, then state_from_json.
// Throws StateDecodeError.
Registration state_from_record(std::string_view record);

}  // namespace enroll
