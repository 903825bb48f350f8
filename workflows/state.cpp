#include "workflows/state.hpp"

#include <nlohmann/json.hpp>

namespace enroll {
namespace {

using nlohmann::json;

json opt_time(const std::optional<Timestamp>& t) { return t ? json(to_millis(*t)) : json(nullptr); }
std::optional<Timestamp> get_opt_time(const json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return std::nullopt;
  return from_millis(j[key].get<std::int64_t>());
}
template <class T>
std::optional<T> get_opt(const json& j, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return std::nullopt;
  return j[key].get<T>();
}
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

void kept_from_json(const json& j, Registration& s) {
  s.id = RegistrationId(j.at("id").get<std::string>());
  s.channel = j.at("channel").get<std::string>();
  s.definition_version = j.at("definition_version").get<int>();
  s.position.state = registration_state_from(j.at("machine").get<std::string>()).value();
  s.phase = phase_from(j.at("phase").get<std::string>()).value();
  s.step = j.at("step").get<std::string>();
  s.stage = step_state_from(j.at("stage").get<std::string>()).value();
  s.reason = j.at("reason").get<std::string>();
  s.expires_at = from_millis(j.at("expires_at").get<std::int64_t>());
  s.state_version = j.at("state_version").get<std::int64_t>();
  s.audit_seq = j.at("audit_seq").get<std::int64_t>();
  s.audit_head = j.at("audit_head").get<std::string>();
  s.created_at = from_millis(j.at("created_at").get<std::int64_t>());
  s.updated_at = from_millis(j.at("updated_at").get<std::int64_t>());
  s.purge_at = get_opt_time(j, "purge_at");
  s.applied = j.at("applied").get<std::vector<std::string>>();
}

}  // namespace

json state_to_json(const Registration& s) {
  json j = kept_to_json(s);
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
  Registration s;
  kept_from_json(j, s);
  s.purged_at = get_opt_time(j, "purged_at");
  if (s.purged()) return s;  // a tombstone: nothing else was kept
  s.position.locked_in = registration_state_from(j.at("locked_in").get<std::string>()).value();
  s.attempt = j.at("attempt").get<int>();
  s.entries = j.at("entries").get<int>();
  if (auto r = get_opt<std::string>(j, "pending_request")) s.pending_request = RequestId(*r);
  s.pending_inputs = j.at("pending_inputs").get<std::string>();
  s.step_deadline = get_opt_time(j, "step_deadline");
  s.step_reason = j.at("step_reason").get<std::string>();
  s.tries_used = j.at("tries_used").get<std::map<std::string, int>>();
  s.device = Device{j.at("device").at("id").get<std::string>(),
                    j.at("device").at("platform").get<std::string>()};
  if (!j.at("officer").is_null()) {
    s.officer = Officer{j["officer"].at("id").get<std::string>(),
                        j["officer"].at("counter").get<std::string>()};
  }
  s.citizen_id = get_opt<std::string>(j, "citizen_id");
  s.citizen_claimed = j.at("citizen_claimed").get<bool>();
  const auto& c = j.at("card");
  s.card =
      CardData{c.at("first_name").get<std::string>(),    c.at("last_name").get<std::string>(),
               c.at("first_name_en").get<std::string>(), c.at("last_name_en").get<std::string>(),
               c.at("date_of_birth").get<std::string>(), c.at("expiry_date").get<std::string>(),
               c.at("laser_code").get<std::string>(),    c.at("front_ref").get<std::string>(),
               c.at("back_ref").get<std::string>()};
  s.selfie_ref = j.at("selfie_ref").get<std::string>();
  s.liveness = get_opt<double>(j, "liveness");
  s.face_score = get_opt<double>(j, "face_score");
  s.fingerprint_score = get_opt<double>(j, "fingerprint_score");
  const auto& q = j.at("qr");
  s.qr.token = q.at("token").get<std::string>();
  s.qr.expires_at = get_opt_time(q, "expires_at");
  s.qr.used = q.at("used").get<std::vector<std::string>>();
  s.passcode_verifier = j.at("passcode_verifier").get<std::string>();
  const auto& k = j.at("consent");
  s.consent.terms_version = k.at("terms_version").get<std::string>();
  s.consent.accepted_at = get_opt_time(k, "accepted_at");
  s.consent.confirmed_at = get_opt_time(k, "confirmed_at");
  s.consent.confirmed_by = k.at("confirmed_by").get<std::string>();
  s.digital_id = j.at("digital_id").get<std::string>();
  s.locked_step = j.at("locked_step").get<std::string>();
  s.hand_over_channel = j.at("hand_over_channel").get<std::string>();
  return s;
}

}  // namespace enroll
