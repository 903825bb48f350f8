#include "workflows/effects.hpp"

#include "workflows/crypto/canonical_json.hpp"
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
  if (r.format >= 2) {
    j["v"] = r.format;
    j["input_sha256"] = r.input_sha256;
    j["inputs"] = r.inputs;
  }
  if (with_hash) j["hash"] = r.hash;
  return j;
}

std::string audit_hash(const AuditRecord& r) { return audit_hash_of(audit_to_json(r, false)); }

std::string audit_hash_of(const nlohmann::json& record) {
  const auto v = record.find("v");
  if (v == record.end()) {  // format 1, as written before format 2
    auto body = record;
    body.erase("hash");
    return crypto::sha256_hex(record.value("prev_hash", "") + body.dump());
  }
  return crypto::sha256_hex(crypto::canonical_json(record, "hash"));
}

}  // namespace enroll
