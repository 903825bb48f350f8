#include "workflows/state_upgrade.hpp"

#include <array>
#include <nlohmann/json.hpp>
#include <string>

#include "workflows/state.hpp"

namespace enroll {
namespace {

using nlohmann::json;
using Upgrade = void (*)(json&);

// 0 -> 1: version 1 only added "v" itself.
void from_v0(json& /*record*/) {}

// Moves `from[key]` to `to[as]` (a missing key moves nothing: the reader then names it).
void move_field(json& from, const char* key, json& to, const char* as) {
  const auto it = from.find(key);
  if (it == from.end()) return;
  to[as] = std::move(*it);
  from.erase(it);
}

// 1 -> 2: the captured data moves into per-kind slices under "captured"; the derived
// "status" and "locked_in" are dropped (status_of(machine); phase_state(phase)).
void from_v1(json& record) {
  record.erase("status");
  record.erase("locked_in");
  json captured = json::object();
  json card = json::object();
  if (const auto it = record.find("card"); it != record.end() && it->is_object()) {
    card = std::move(*it);
    record.erase(it);
  } else if (it != record.end()) {
    return;  // not an object: left for the reader to refuse ("captured" missing)
  }
  json& front = captured["card_front"] = json::object();
  for (const char* key : {"first_name", "last_name", "first_name_en", "last_name_en",
                          "date_of_birth", "expiry_date", "front_ref"}) {
    move_field(card, key, front, key);
  }
  json& back = captured["card_back"] = json::object();
  move_field(card, "laser_code", back, "laser_code");
  move_field(card, "back_ref", back, "back_ref");
  json consent = json::object();
  if (const auto it = record.find("consent"); it != record.end() && it->is_object()) {
    consent = std::move(*it);
    record.erase(it);
  }
  json& terms = captured["terms"] = json::object();
  move_field(consent, "terms_version", terms, "terms_version");
  move_field(consent, "accepted_at", terms, "accepted_at");
  json& confirmation = captured["confirmation"] = json::object();
  move_field(consent, "confirmed_at", confirmation, "confirmed_at");
  move_field(consent, "confirmed_by", confirmation, "confirmed_by");
  json& selfie = captured["selfie"] = json::object();
  move_field(record, "selfie_ref", selfie, "image_ref");
  move_field(record, "liveness", selfie, "liveness");
  move_field(record, "face_score", captured["face"] = json::object(), "score");
  move_field(record, "fingerprint_score", captured["fingerprint"] = json::object(), "score");
  json qr = json::object();
  if (const auto it = record.find("qr"); it != record.end() && it->is_object()) {
    qr = std::move(*it);
    record.erase(it);
  }
  move_field(qr, "used", record, "used_qr_tokens");
  captured["qr"] = std::move(qr);
  move_field(record, "passcode_verifier", captured["passcode"] = json::object(), "verifier");
  move_field(record, "digital_id", captured["identity"] = json::object(), "digital_id");
  if (!record.contains("purged_at")) record["captured"] = std::move(captured);
}

// 2 -> 3: "incident" (null: no registration was in one before incidents existed) and, in the
// core, "consent" (null: a registration confirmed before keeps its consent in "captured"
// until purged; the audit trail of that time did not carry it).
void from_v2(json& record) {
  record.emplace("consent", nullptr);
  if (!record.contains("purged_at") || record["purged_at"].is_null()) {
    record.emplace("incident", nullptr);
  }
}

// upgrades[n] brings a record of version n to n + 1.
constexpr std::array<Upgrade, state_format_version> upgrades{&from_v0, &from_v1, &from_v2};

}  // namespace

json upgrade_state(json record) {
  int version = 0;
  if (const auto it = record.find("v"); it != record.end()) {
    if (!it->is_number_integer() || it->get<std::int64_t>() < 0) {
      throw StateDecodeError("field 'v': not a format version");
    }
    if (it->get<std::int64_t>() > state_format_version) {
      throw StateDecodeError("format version " + std::to_string(it->get<std::int64_t>()) +
                             " is newer than this code's (" + std::to_string(state_format_version) +
                             ")");
    }
    version = static_cast<int>(it->get<std::int64_t>());
  }
  for (; version < state_format_version; ++version) upgrades.at(version)(record);
  record["v"] = state_format_version;
  return record;
}

}  // namespace enroll
