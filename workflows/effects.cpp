#include "workflows/effects.hpp"

#include "workflows/crypto/hashing.hpp"

namespace enroll {

std::string_view to_string(ActorKind k) {
  switch (k) {
    case ActorKind::citizen:
      return "citizen";
    case ActorKind::officer:
      return "officer";
    case ActorKind::connector:
      return "connector";
    case ActorKind::operator_:
      return "operator";
    case ActorKind::system:
      return "system";
  }
  return "?";
}

nlohmann::json audit_to_json(const AuditRecord& r, bool with_hash) {
  nlohmann::json j{{"registration_id", r.registration_id.str()},
                   {"seq", r.seq},
                   {"at", to_rfc3339(r.at)},
                   {"actor", {{"kind", to_string(r.actor_kind)}, {"id", r.actor_id}}},
                   {"cause", r.cause.str()},
                   {"from", r.from},
                   {"to", r.to},
                   {"phase", r.phase},
                   {"step", r.step},
                   {"outcome", r.outcome},
                   {"prev_hash", r.prev_hash}};
  if (with_hash) j["hash"] = r.hash;
  return j;
}

std::string audit_hash(const AuditRecord& r) {
  return crypto::sha256_hex(r.prev_hash + audit_to_json(r, false).dump());
}

}  // namespace enroll
