#include "workflows/effects.hpp"

#include <stdexcept>

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

namespace {

// `"name":` (a name of the record's own: ASCII, nothing to escape).
void append_name(std::string& out, std::string_view name) {
  out.push_back('"');
  out.append(name);
  out.append("\":");
}

void append_text_member(std::string& out, std::string_view name, std::string_view value) {
  append_name(out, name);
  crypto::jcs::append_string(out, value);
  out.push_back(',');
}

}  // namespace

std::string audit_canonical(const AuditRecord& r, bool with_hash) {
  if (r.format < 2) throw std::logic_error("audit_canonical: format 1 records are not RFC 8785");
  std::string out;
  out.reserve(512);
  // The members in RFC 8785's order (their names are ASCII: byte order), written as they go.
  out.push_back('{');
  append_name(out, "actor");
  out.push_back('{');
  append_text_member(out, "key_id", r.actor.key_id);
  if (!r.actor.officer.empty()) append_text_member(out, "officer", r.actor.officer);
  if (!r.actor.operator_id.empty()) append_text_member(out, "operator", r.actor.operator_id);
  append_text_member(out, "principal", r.actor.principal);
  append_name(out, "role");
  crypto::jcs::append_string(out, r.actor.role);
  out.append("},");
  append_text_member(out, "at", to_rfc3339(r.at));
  append_text_member(out, "cause", r.cause.str());
  if (r.consent) {
    append_name(out, "consent");
    crypto::append_canonical_json(out, consent_to_json(*r.consent));
    out.push_back(',');
  }
  append_text_member(out, "from", r.from);
  if (with_hash) append_text_member(out, "hash", r.hash);
  append_text_member(out, "input_sha256", r.input_sha256);
  append_name(out, "inputs");
  crypto::append_canonical_json(out, r.inputs);
  out.push_back(',');
  append_text_member(out, "outcome", r.outcome);
  append_text_member(out, "phase", r.phase);
  append_text_member(out, "prev_hash", r.prev_hash);
  append_text_member(out, "registration_id", r.registration_id.str());
  append_name(out, "seq");
  crypto::jcs::append_integer(out, r.seq);
  out.push_back(',');
  append_text_member(out, "step", r.step);
  append_text_member(out, "to", r.to);
  append_name(out, "v");
  crypto::jcs::append_integer(out, static_cast<std::int64_t>(r.format));
  out.push_back('}');
  return out;
}

std::string audit_hash(const AuditRecord& r) {
  if (r.format < 2) return audit_hash_of(audit_to_json(r, false));
  return crypto::sha256_hex(audit_canonical(r, false));
}

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
