#include "workflows/state.hpp"

#include <nlohmann/json.hpp>

#include "workflows/crypto/field_cipher.hpp"
#include "workflows/state_fields.hpp"
#include "workflows/state_reader.hpp"
#include "workflows/state_upgrade.hpp"

namespace enroll {

std::optional<Timestamp> Registration::next_timer() const {
  if (is_terminal(position.state)) return purged() ? std::nullopt : purge_at;
  if (status() == Status::incident) return std::nullopt;  // waits for an operator, no expiry
  if (step_deadline && *step_deadline < expires_at) return step_deadline;
  return expires_at;
}

Registration tombstone(const Registration& finished, Timestamp purged_at) {
  Registration t;
  static_cast<RegistrationCore&>(t) = static_cast<const RegistrationCore&>(finished);
  t.purged_at = purged_at;
  // The dedupe window stays (it is in the core): a copy of an input applied before the purge
  // (a re-sent outbox entry, a reference replay's own task results and timers) is still
  // ignored, so a replay of the inbox makes the same records as the first run.
  return t;
}

namespace {

using nlohmann::json;

// Where personal fields are sealed and opened: the cipher (none: written in the clear, as in
// tests of the engine alone) and the registration, which with the field's name is the place a
// sealed value is bound to.
struct Sealing {
  const crypto::FieldCipher* cipher = nullptr;
  std::string registration;
  [[nodiscard]] std::string place(const char* key) const { return registration + "/" + key; }
};

// Writes the listed fields into a JSON object.
class Writer {
 public:
  explicit Writer(json& out, const Sealing* sealing = nullptr) : out_(out), sealing_(sealing) {
    out_ = json::object();
  }

  template <class T>
  void field(const char* key, const T& value) {
    out_[key] = encode(value);
  }
  void personal(const char* key, const std::string& value) {
    out_[key] = sealing_ != nullptr && sealing_->cipher != nullptr && !value.empty()
                    ? sealing_->cipher->seal_remembered(value, sealing_->place(key))
                    : value;
  }
  void personal(const char* key, const std::optional<std::string>& value) {
    if (value) {
      personal(key, *value);
    } else {
      out_[key] = nullptr;
    }
  }
  template <class E, class Parse>
  void field(const char* key, const E& value, Parse /*parse*/) {
    out_[key] = to_string(value);
  }
  template <class T>
  void object(const char* key, const T& value) {
    Writer inner(out_[key], sealing_);
    inner.fields(value);
  }

  void fields(const Device& d) { device_fields(*this, d); }
  template <class T>
  void fields(const T& slice) {
    T::fields(*this, slice);
  }

 private:
  static json encode(const std::string& v) { return v; }
  static json encode(const RegistrationId& v) { return v.str(); }
  static json encode(bool v) { return v; }
  static json encode(int v) { return v; }
  static json encode(std::int64_t v) { return v; }
  static json encode(Timestamp v) { return to_millis(v); }
  static json encode(const std::vector<std::string>& v) { return v; }
  static json encode(const std::map<std::string, int>& v) { return v; }
  static json encode(const Officer& o) {
    json j;
    Writer w(j);
    officer_fields(w, o);
    return j;
  }
  static json encode(const ConsentRecord& c) {
    json j;
    Writer w(j);
    consent_fields(w, c);
    return j;
  }
  static json encode(const Incident& i) {
    json j;
    Writer w(j);
    incident_fields(w, i);
    return j;
  }
  static json encode(const RequestId& v) { return v.str(); }
  template <class T>
  static json encode(const std::optional<T>& v) {
    return v ? encode(*v) : json(nullptr);
  }
  static json encode(double v) { return v; }

  json& out_;
  const Sealing* sealing_;
};

// Reads the listed fields from a JSON object, each checked (StateReader).
class Reader {
 public:
  explicit Reader(StateReader r, const Sealing* sealing = nullptr)
      : r_(std::move(r)), sealing_(sealing) {}

  void personal(const char* key, std::string& v) { v = opened(key, r_.text(key)); }
  void personal(const char* key, std::optional<std::string>& v) {
    v = r_.opt_text(key);
    if (v) v = opened(key, std::move(*v));
  }

  void field(const char* key, std::string& v) { v = r_.text(key); }
  void field(const char* key, RegistrationId& v) { v = RegistrationId(r_.text(key)); }
  void field(const char* key, bool& v) { v = r_.flag(key); }
  void field(const char* key, int& v) { v = r_.whole<int>(key); }
  void field(const char* key, std::int64_t& v) { v = r_.whole<std::int64_t>(key); }
  void field(const char* key, Timestamp& v) { v = r_.time(key); }
  void field(const char* key, std::optional<Timestamp>& v) { v = r_.opt_time(key); }
  void field(const char* key, std::optional<double>& v) { v = r_.opt_number(key); }
  void field(const char* key, std::optional<std::string>& v) { v = r_.opt_text(key); }
  void field(const char* key, std::vector<std::string>& v) { v = r_.texts(key); }
  void field(const char* key, std::map<std::string, int>& v) { v = r_.counts(key); }
  void field(const char* key, std::optional<RequestId>& v) {
    v.reset();
    if (auto id = r_.opt_text(key)) v = RequestId(std::move(*id));
  }
  void field(const char* key, std::optional<Officer>& v) {
    v.reset();
    if (!r_.has(key)) return;
    Reader inner(r_.object(key));
    officer_fields(inner, v.emplace());
  }
  void field(const char* key, std::optional<ConsentRecord>& v) {
    v.reset();
    if (!r_.has(key)) return;
    Reader inner(r_.object(key));
    consent_fields(inner, v.emplace());
  }
  void field(const char* key, std::optional<Incident>& v) {
    v.reset();
    if (!r_.has(key)) return;
    Reader inner(r_.object(key));
    incident_fields(inner, v.emplace());
  }
  template <class E>
  void field(const char* key, E& v, std::optional<E> (*parse)(std::string_view)) {
    v = r_.name(key, parse);
  }
  template <class T>
  void object(const char* key, T& value) {
    Reader inner(r_.object(key), sealing_);
    inner.fields(value);
  }

  void fields(Device& d) { device_fields(*this, d); }
  template <class T>
  void fields(T& slice) {
    T::fields(*this, slice);
  }

 private:
  // A stored value in the clear (written before issue 15, or without a cipher) is taken as it
  // is; a sealed one must open in its place.
  std::string opened(const char* key, std::string stored) const {
    if (!crypto::FieldCipher::is_sealed(stored)) return stored;
    if (sealing_ == nullptr || sealing_->cipher == nullptr) {
      throw StateDecodeError(std::string("field '") + key +
                             "' is sealed and no field key was given");
    }
    try {
      return sealing_->cipher->open(stored, sealing_->place(key));
    } catch (const crypto::FieldCipherError& e) {
      throw StateDecodeError(std::string("field '") + key + "': " + e.what());
    }
  }

  StateReader r_;
  const Sealing* sealing_;
};

}  // namespace

json consent_to_json(const ConsentRecord& c) {
  // Times as RFC 3339 here: this form is for people and the audit trail, not the store.
  return {{"terms_version", c.terms_version},
          {"accepted_at", c.accepted_at ? json(to_rfc3339(*c.accepted_at)) : json(nullptr)},
          {"confirmed_at", to_rfc3339(c.confirmed_at)},
          {"confirmed_by", c.confirmed_by},
          {"method", c.method}};
}

json state_to_json(const Registration& s, const crypto::FieldCipher* cipher) {
  json j;
  const Sealing sealing{cipher, s.id.str()};
  Writer w(j, &sealing);
  core_fields(w, s);
  if (!s.purged()) live_fields(w, s);  // a tombstone's stored form: only its core
  j["v"] = state_format_version;
  return j;
}

Registration state_from_json(const json& j, const crypto::FieldCipher* cipher) {
  if (!j.is_object()) throw StateDecodeError("the record is not a JSON object");
  const auto current = j.find("v");
  const json upgraded =
      current != j.end() && *current == state_format_version ? json() : upgrade_state(j);
  const json& record = upgraded.is_null() ? j : upgraded;
  Registration s;
  const auto id = record.find("id");
  const Sealing sealing{cipher,
                        id != record.end() && id->is_string() ? id->get<std::string>() : ""};
  Reader r(StateReader(record, ""), &sealing);
  core_fields(r, s);
  if (s.purged()) return s;  // a tombstone: nothing else was kept
  live_fields(r, s);
  finish_decoded(s);
  return s;
}

void finish_decoded(Registration& s) {
  if (s.held()) s.position.held_in = phase_state(s.phase);
  if ((s.status() == Status::incident) != s.incident.has_value()) {
    throw StateDecodeError("field 'incident': must be set exactly while in status incident");
  }
}

}  // namespace enroll
