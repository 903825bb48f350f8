#pragma once
// One registration's state as stored (JSON in Redis). Everything the engine needs to decide
// the next transition lives here; the passcode only as an Argon2id verifier.
#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "statemachines/lifecycle.hpp"
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

struct RegistrationState {
  RegistrationId id;
  std::string channel;
  int definition_version = 0;
  Status status = Status::active;
  Phase phase = Phase::consent;
  std::string step;
  StepStage stage = StepStage::awaiting_input;
  int attempt = 0;  // connector attempt of the current step's task (1-based once sent)
  std::optional<RequestId> pending_request;
  std::string pending_inputs = "{}";  // JSON of the pending task's inputs, for retries
  std::optional<Timestamp> deadline;
  std::map<std::string, int> tries_used;  // per step name
  std::int64_t state_version = 0;
  std::int64_t audit_seq = 0;
  std::string audit_head;  // hash of the last audit record
  Timestamp created_at{};
  Timestamp updated_at{};
  Device device;
  std::optional<Officer> officer;
  std::optional<std::string> citizen_id;  // 13 digits, validated
  CardData card;
  std::string selfie_ref;
  std::optional<double> liveness;
  std::optional<double> face_score;
  std::string passcode_verifier;
  ConsentRecord consent;
  std::string digital_id;
  std::string reason;                // why the registration ended / is locked
  std::vector<std::string> applied;  // ids of recently applied inbound events (dedupe)
};

nlohmann::json state_to_json(const RegistrationState& s);
// Throws nlohmann::json::exception on a malformed record.
RegistrationState state_from_json(const nlohmann::json& j);

}  // namespace enroll
