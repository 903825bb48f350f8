#include "workflows/state.hpp"

#include <nlohmann/json.hpp>

#include "workflows/state_reader.hpp"
#include "workflows/state_upgrade.hpp"

namespace enroll {
namespace {

using nlohmann::json;

json opt_time(const std::optional<Timestamp>& t) { return t ? json(to_millis(*t)) : json(nullptr); }
template <class T>
json opt(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

}  // namespace

Status Registration::status() const {
  switch (position.state) {
    case RegistrationState::issued:
      return Status::issued;
    case RegistrationState::rejected:
      return Status::rejected;
    case RegistrationState::expired:
      return Status::expired;
    case RegistrationState::cancelled:
      return Status::cancelled;
    case RegistrationState::locked:
      return Status::locked;
    default:
      return Status::active;
  }
}

std::optional<Timestamp> Registration::next_timer() const {
  if (is_terminal(position.state)) return purged() ? std::nullopt : purge_at;
  if (step_deadline && *step_deadline < expires_at) return step_deadline;
  return expires_at;
}

Registration tombstone(const Registration& finished, Timestamp purged_at) {
  Registration t;
  t.id = finished.id;
  t.channel = finished.channel;
  t.definition_version = finished.definition_version;
  t.position = finished.position;
  t.phase = finished.phase;
  t.step = finished.step;
  t.stage = finished.stage;
  t.reason = finished.reason;
  t.expires_at = finished.expires_at;
  t.state_version = finished.state_version;
  t.audit_seq = finished.audit_seq;
  t.audit_head = finished.audit_head;
  t.created_at = finished.created_at;
  t.updated_at = finished.updated_at;
  t.purge_at = finished.purge_at;
  t.purged_at = purged_at;
  // The dedupe window stays: a copy of an input applied before the purge (a re-sent outbox
  // entry, a reference replay's own task results and timers) is still ignored, so a replay
  // of the inbox makes the same records as the first run.
  t.applied = finished.applied;
  return t;
}

namespace {

// What every stored state has and a tombstone keeps (see tombstone()), with the ids applied.
json kept_to_json(const Registration& s) {
  return json{{"id", s.id.str()},
              {"channel", s.channel},
              {"definition_version", s.definition_version},
              {"status", to_string(s.status())},
              {"machine", to_string(s.position.state)},
              {"phase", to_string(s.phase)},
              {"step", s.step},
              {"stage", to_string(s.stage)},
              {"reason", s.reason},
              {"expires_at", to_millis(s.expires_at)},
              {"state_version", s.state_version},
              {"audit_seq", s.audit_seq},
              {"audit_head", s.audit_head},
              {"created_at", to_millis(s.created_at)},
              {"updated_at", to_millis(s.updated_at)},
              {"purge_at", opt_time(s.purge_at)},  // absent in states stored before retention
              {"applied", s.applied}};
}

void kept_from_json(const StateReader& r, Registration& s) {
  s.id = RegistrationId(r.text("id"));
  s.channel = r.text("channel");
  s.definition_version = r.whole<int>("definition_version");
  s.position.state = r.name("machine", &registration_state_from);
  s.phase = r.name("phase", &phase_from);
  s.step = r.text("step");
  s.stage = r.name("stage", &step_state_from);
  s.reason = r.text("reason");
  s.expires_at = r.time("expires_at");
  s.state_version = r.whole<std::int64_t>("state_version");
  s.audit_seq = r.whole<std::int64_t>("audit_seq");
  s.audit_head = r.text("audit_head");
  s.created_at = r.time("created_at");
  s.updated_at = r.time("updated_at");
  s.purge_at = r.opt_time("purge_at");  // absent in states stored before retention
  s.applied = r.texts("applied");
}

// The record, already upgraded to the current format version.
Registration decode(const StateReader& r) {
  Registration s;
  kept_from_json(r, s);
  s.purged_at = r.opt_time("purged_at");
  if (s.purged()) return s;  // a tombstone: nothing else was kept
  s.position.locked_in = r.name("locked_in", &registration_state_from);
  s.attempt = r.whole<int>("attempt");
  s.entries = r.whole<int>("entries");
  if (auto id = r.opt_text("pending_request")) s.pending_request = RequestId(std::move(*id));
  s.pending_inputs = r.text("pending_inputs");
  s.step_deadline = r.opt_time("step_deadline");
  s.step_reason = r.text("step_reason");
  s.tries_used = r.counts("tries_used");
  const auto device = r.object("device");
  s.device = Device{device.text("id"), device.text("platform")};
  if (r.has("officer")) {
    const auto officer = r.object("officer");
    s.officer = Officer{officer.text("id"), officer.text("counter")};
  }
  s.citizen_id = r.opt_text("citizen_id");
  s.citizen_claimed = r.flag("citizen_claimed");
  const auto c = r.object("card");
  s.card = CardData{c.text("first_name"),   c.text("last_name"),     c.text("first_name_en"),
                    c.text("last_name_en"), c.text("date_of_birth"), c.text("expiry_date"),
                    c.text("laser_code"),   c.text("front_ref"),     c.text("back_ref")};
  s.selfie_ref = r.text("selfie_ref");
  s.liveness = r.opt_number("liveness");
  s.face_score = r.opt_number("face_score");
  s.fingerprint_score = r.opt_number("fingerprint_score");
  const auto q = r.object("qr");
  s.qr.token = q.text("token");
  s.qr.expires_at = q.opt_time("expires_at");
  s.qr.used = q.texts("used");
  s.passcode_verifier = r.text("passcode_verifier");
  const auto k = r.object("consent");
  s.consent.terms_version = k.text("terms_version");
  s.consent.accepted_at = k.opt_time("accepted_at");
  s.consent.confirmed_at = k.opt_time("confirmed_at");
  s.consent.confirmed_by = k.text("confirmed_by");
  s.digital_id = r.text("digital_id");
  s.locked_step = r.text("locked_step");
  s.hand_over_channel = r.text("hand_over_channel");
  return s;
}

}  // namespace

json state_to_json(const Registration& s) {
  json j = kept_to_json(s);
  j["v"] = state_format_version;
  if (s.purged()) {  // a tombstone's stored form: only what it keeps
    j["purged_at"] = to_millis(*s.purged_at);
    return j;
  }
  json card = {{"first_name", s.card.first_name},
               {"last_name", s.card.last_name},
               {"first_name_en", s.card.first_name_en},
               {"last_name_en", s.card.last_name_en},
               {"date_of_birth", s.card.date_of_birth},
               {"expiry_date", s.card.expiry_date},
               {"laser_code", s.card.laser_code},
               {"front_ref", s.card.front_ref},
               {"back_ref", s.card.back_ref}};
  json consent = {{"terms_version", s.consent.terms_version},
                  {"accepted_at", opt_time(s.consent.accepted_at)},
                  {"confirmed_at", opt_time(s.consent.confirmed_at)},
                  {"confirmed_by", s.consent.confirmed_by}};
  j.update(json{
      {"locked_in", to_string(s.position.locked_in)},
      {"attempt", s.attempt},
      {"entries", s.entries},
      {"pending_request", s.pending_request ? json(s.pending_request->str()) : json(nullptr)},
      {"pending_inputs", s.pending_inputs},
      {"step_deadline", opt_time(s.step_deadline)},
      {"step_reason", s.step_reason},
      {"tries_used", s.tries_used},
      {"device", {{"id", s.device.id}, {"platform", s.device.platform}}},
      {"officer",
       s.officer ? json{{"id", s.officer->id}, {"counter", s.officer->counter}} : json(nullptr)},
      {"citizen_id", opt(s.citizen_id)},
      {"citizen_claimed", s.citizen_claimed},
      {"card", std::move(card)},
      {"selfie_ref", s.selfie_ref},
      {"liveness", opt(s.liveness)},
      {"face_score", opt(s.face_score)},
      {"fingerprint_score", opt(s.fingerprint_score)},
      {"qr",
       {{"token", s.qr.token}, {"expires_at", opt_time(s.qr.expires_at)}, {"used", s.qr.used}}},
      {"passcode_verifier", s.passcode_verifier},
      {"consent", std::move(consent)},
      {"digital_id", s.digital_id},
      {"locked_step", s.locked_step},
      {"hand_over_channel", s.hand_over_channel},
  });
  return j;
}

Registration state_from_json(const json& j) {
  if (!j.is_object()) throw StateDecodeError("the record is not a JSON object");
  const auto current = j.find("v");
  if (current != j.end() && *current == state_format_version) return decode(StateReader(j, ""));
  const auto upgraded = upgrade_state(j);
  return decode(StateReader(upgraded, ""));
}

}  // namespace enroll
