#pragma once
// One registration's state as stored in Redis (state_binary.cpp). Everything the engine needs to
// decide the next transition lives here; the passcode only as an Argon2id verifier.
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
#include "workflows/captured.hpp"
#include "workflows/commands.hpp"
#include "workflows/ids.hpp"
#include "workflows/time.hpp"

namespace enroll {

namespace crypto {
class FieldCipher;
}

// The citizen's consent, once confirmed: which terms, when accepted, when and how confirmed.
// Written into the audit record of the confirming transition (so it is on enroll.audit) and
// kept by the tombstone after a purge: the proof of consent outlives the personal data.
struct ConsentRecord {
  std::string terms_version;  // empty, with accepted_at, in a channel without terms
  std::optional<Timestamp> accepted_at;
  Timestamp confirmed_at{};
  std::string confirmed_by;  // id of the consent.confirm event
  std::string method;        // how it was confirmed: "passcode" (the first log-in)
  bool operator==(const ConsentRecord&) const = default;
};
nlohmann::json consent_to_json(const ConsentRecord& c);

// What every stored registration has, and all that a purged one (a tombstone) keeps: id,
// channel, definition version, where it stands (machine state and phase), its step and stage,
// the reason, the times, state_version, the audit chain's seq and head, the consent record,
// and the dedupe window (copies of earlier inputs stay ignored, so a replay stays exact).
struct RegistrationCore {
  RegistrationId id;
  std::string channel;
  int definition_version = 0;
  // The registration machine's state (and, when locked, the machine state it was locked in).
  RegistrationPosition position;
  // The phase of the current (or last) step: the machine state but for the issued phase's
  // steps, which run in consent-confirm (phase_state).
  RegistrationState phase = RegistrationState::consent;
  std::string step;
  StepState stage = StepState::awaiting_input;  // the step machine's state
  std::string reason;                           // why the registration ended / is locked
  Timestamp expires_at{};                       // no progress until then: expired
  std::int64_t state_version = 0;
  std::int64_t audit_seq = 0;
  std::string audit_head;  // hash of the last audit record
  Timestamp created_at{};
  Timestamp updated_at{};
  // Retention: when a finished registration may be purged (set when it ends, if retention is
  // on), and when it was.
  std::optional<Timestamp> purge_at;
  std::optional<Timestamp> purged_at;
  std::optional<ConsentRecord> consent;  // set when consent is confirmed
  std::vector<std::string> applied;      // ids of recently applied inbound events (dedupe)
};

// Why a registration waits in status incident: its step's task (at the step the registration
// stands at) ran out of retries on an error that may go away.
struct Incident {
  std::string task;   // e.g. card.verify
  std::string error;  // the last error code, e.g. unavailable, timeout
  Timestamp since{};
  int attempts = 0;  // task attempts made
  bool operator==(const Incident&) const = default;
};

// One registration's state as the engine keeps it.
struct Registration : RegistrationCore {
  int attempt = 0;  // connector attempt of the current step's task (1-based once sent)
  int entries = 0;  // steps entered so far: makes every request id unique (re-entries too)
  std::optional<RequestId> pending_request;
  std::string pending_inputs = "{}";       // JSON of the pending task's inputs, for retries
  std::optional<Timestamp> step_deadline;  // task deadline, retry due, or cool-down end
  std::string step_reason;  // why the step was entered again (told with the next awaiting)
  std::map<std::string, int> tries_used;  // per step name
  Device device;
  std::optional<Officer> officer;
  // Who the registration is for, from the start command or the card (never forgotten by a
  // rewind: the one-active-registration claim is held on it).
  std::optional<std::string> citizen_id;  // 13 digits, validated
  bool citizen_claimed = false;           // holds the one-active-registration claim
  Captured captured;
  // QR tokens already scanned: single use for the registration's whole life, so not in the
  // qr slice that a rewind clears.
  std::vector<std::string> used_qr_tokens;
  std::string locked_step;           // the step whose tries ran out (when locked)
  std::string hand_over_channel;     // the channel that may take over a locked registration
  std::optional<Incident> incident;  // set while in status incident

  // Locked or in an incident: out of the active flow, holding its phase (position.held_in).
  [[nodiscard]] bool held() const {
    return status() == Status::locked || status() == Status::incident;
  }
  [[nodiscard]] Status status() const { return status_of(position.state); }
  [[nodiscard]] bool active() const { return status() == Status::active; }
  [[nodiscard]] bool purged() const { return purged_at.has_value(); }
  // When the engine wants to be woken (a timer event): the step deadline or the expiry; once
  // finished, the purge time (if any and not yet purged).
  [[nodiscard]] std::optional<Timestamp> next_timer() const;
};

// What is kept of a finished registration once purged: its RegistrationCore, purged_at set;
// everything captured, the pending request and the rest are dropped.
Registration tombstone(const Registration& finished, Timestamp purged_at);

// A stored record that cannot be decoded: bad JSON, too large or too deep, a missing field, a
// wrong type, an unknown enum name, a format version newer than this code. The reason names
// what is wrong, never a value of the record (records hold personal data).
class StateDecodeError : public std::runtime_error {
 public:
  explicit StateDecodeError(const std::string& reason) : std::runtime_error(reason) {}
};

// A state that cannot be written so that it reads back: a text that is not UTF-8 (which the
// reader would refuse, quarantining the registration at its next message). Names the field.
class StateEncodeError : public std::runtime_error {
 public:
  explicit StateEncodeError(const std::string& reason) : std::runtime_error(reason) {}
};

// The stored form: binary (state_binary.cpp), a fraction of the JSON form's size and cost. With
// a cipher the personal fields are sealed together, bound to the registration.
std::string state_to_record(const Registration& s, const crypto::FieldCipher* cipher = nullptr);

// The field key id that seals a binary record's personal fields ("" for a JSON record, a
// record without them or in the clear, or bytes that are not a record): what a re-key or an
// audit of the key folder looks for.
std::string state_record_sealing_key(std::string_view record);

// The JSON form (written before issue 16, and for people and tests): with a cipher, the personal
// fields (captured.hpp's `personal`, the citizen ID, the pending task's inputs) are sealed, bound
// to the registration and the field (issue 15).
nlohmann::json state_to_json(const Registration& s, const crypto::FieldCipher* cipher = nullptr);
// Throws StateDecodeError on a malformed record, or a sealed field that does not open (or
// no cipher to open it); a personal field in the clear (stored before issue 15) is read as is.
Registration state_from_json(const nlohmann::json& j, const crypto::FieldCipher* cipher = nullptr);
// A stored record (its bytes, as read from Redis), either form: the binary one, or a bounded
// parse of the JSON one, then state_from_json. Throws StateDecodeError.
Registration state_from_record(std::string_view record,
                               const crypto::FieldCipher* cipher = nullptr);

}  // namespace enroll
