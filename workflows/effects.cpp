#include "workflows/effects.hpp"

#include "workflows/crypto/hashing.hpp"

namespace enroll {

namespace {

// {"principal", "role", "key_id"} and, when someone acts through the principal, "officer" or
// "operator".
nlohmann::json actor_json(const AuditActor& a) {
  nlohmann::json j{{"principal", a.principal}, {"role", a.role}, {"key_id", a.key_id}};
  if (!a.officer.empty()) j["officer"] = a.officer;
  if (!a.operator_id.empty()) j["operator"] = a.operator_id;
  return j;
}

}  // namespace

nlohmann::json audit_to_json(const AuditRecord& r, bool with_hash) {
  nlohmann::json j{{"registration_id", r.registration_id.str()},
                   {"seq", r.seq},
                   {"at", to_rfc3339(r.at)},
                   {"actor", actor_json(r.actor)},
                   {"cause", r.cause.str()},
                   {"from", r.from},
                   {"to", r.to},
                   {"phase", r.phase},
                   {"step", r.step},
                   {"outcome", r.outcome},
                   {"prev_hash", r.prev_hash}};
  // Only where there is one: the records before consent records existed hash as they did.
  if (r.consent) j["consent"] = consent_to_json(*r.consent);
  if (with_hash) j["hash"] = r.hash;
  return j;
}

std::string audit_hash(const AuditRecord& r) {
  return crypto::sha256_hex(r.prev_hash + audit_to_json(r, false).dump());
}

}  // namespace enroll
