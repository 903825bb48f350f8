#pragma once
// What the engine asks the shell to do after a transition. The shell gives each effect a
// deterministic id, writes them to the outbox in the same atomic step as the state, and
// relays them to Kafka.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "workflows/events.hpp"
#include "workflows/ids.hpp"
#include "workflows/state.hpp"
#include "workflows/time.hpp"

namespace enroll {

// A task request on enroll.requests.<connector>.
struct RequestTask {
  std::string connector;
  std::string task;
  RequestId request_id;
  int attempt = 1;
  Timestamp deadline{};
  nlohmann::json inputs = nlohmann::json::object();
};

// Who acted (issue 13): the principal whose key verified the message (as the trust file names
// it), and the officer or operator acting through it, as the signed data names them.
struct AuditActor {
  std::string principal;    // "" if none (a message refused for that)
  std::string role;         // to_string(Role)
  std::string key_id;       // the key that verified the message
  std::string officer;      // "" unless an officer acted (at an officer console)
  std::string operator_id;  // "" unless an operator acted (on the operator side)
};

// The record formats (README, audit trail): 1 hashed SHA-256(prev_hash || nlohmann dump), no
// "v" member; 2 carries "v": 2, input_sha256 and inputs, and is hashed over its RFC 8785 bytes.
inline constexpr int kAuditFormat = 2;

// One link of a registration's hash chain (contract: enroll.audit).
struct AuditRecord {
  int format = kAuditFormat;  // 1 only for records read back from before format 2
  RegistrationId registration_id;
  std::int64_t seq = 0;
  Timestamp at{};
  AuditActor actor;
  EventId cause;
  std::string from, to, phase, step, outcome;
  std::optional<ConsentRecord> consent;  // on the record of the transition that confirmed it
  // Format 2: SHA-256 (hex) of the inbound event's RFC 8785 bytes (given by the shell), and the
  // decisive inputs of the move (a score and its threshold, a decision, a registry answer):
  // never a citizen ID, a passcode or an image.
  std::string input_sha256;
  nlohmann::json inputs = nlohmann::json::object();
  std::string prev_hash;
  std::string hash;
};
// The record's JSON; with_hash=false is what is hashed.
nlohmann::json audit_to_json(const AuditRecord& r, bool with_hash);
// Format 2's RFC 8785 bytes, written member by member (no JSON tree): what is hashed
// (with_hash=false), and the record as enroll.audit carries it (with_hash=true). Throws
// crypto::CanonicalJsonError (text that is not UTF-8), std::logic_error (a format 1 record).
std::string audit_canonical(const AuditRecord& r, bool with_hash);
// Lowercase hex. Format 2: SHA-256(RFC 8785 bytes of the record without "hash"); format 1:
// SHA-256(prev_hash || nlohmann dump without "hash").
std::string audit_hash(const AuditRecord& r);
// The same for a record as JSON (an export): its "v" says the format (none: 1). Throws
// crypto::CanonicalJsonError for a format 2 record JCS cannot represent.
std::string audit_hash_of(const nlohmann::json& record);

using Effect = std::variant<EmitEvent, RequestTask, AuditRecord>;

struct Outcome {
  // The state to store; nullopt when there is nothing to store (e.g. a command for an
  // unknown registration).
  std::optional<Registration> state;
  std::vector<Effect> effects;
  bool duplicate = false;  // already applied: no change, no output
};

}  // namespace enroll
