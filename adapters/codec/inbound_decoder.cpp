#include "adapters/codec/inbound_decoder.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <initializer_list>
#include <stdexcept>
#include <utility>
#include <vector>

#include "adapters/codec/bounded_json.hpp"
#include "adapters/codec/canonical_event.hpp"
#include "adapters/codec/limits.hpp"
#include "adapters/trust/signer.hpp"
#include "errors/errc.hpp"
#include "workflows/crypto/canonical_json.hpp"
#include "workflows/crypto/hashing.hpp"

namespace enroll::codec {
namespace {

// A string member's text (nullopt: absent or not a string).
std::optional<std::string_view> member(const rapidjson::Value& obj, const char* name) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || !it->value.IsString()) return std::nullopt;
  return std::string_view(it->value.GetString(), it->value.GetStringLength());
}

std::string str(const rapidjson::Value& obj, const char* name) {
  return std::string(member(obj, name).value_or(std::string_view()));
}

nlohmann::json to_nlohmann(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return nlohmann::json::parse(buf.GetString(), buf.GetString() + buf.GetSize());
}

// A command's sealed passcodes, opened (nullopt where a box does not open: the step kind answers
// sealed_passcode_unreadable) with the one step they were sealed for.
struct OpenedBoxes {
  std::vector<std::optional<SecretString>> passcodes;
  std::string step;
};

// Refuses, as forged or replayed, a box bound to another registration than the message's
// subject, and boxes that name different steps.
std::variant<OpenedBoxes, DecodeError> open_boxes(const rapidjson::Value& data,
                                                  std::initializer_list<const char*> members,
                                                  const RegistrationId& subject,
                                                  const crypto::SealKeys& keys) {
  OpenedBoxes out;
  bool named = false;
  for (const char* member : members) {
    auto box = crypto::open_sealed_passcode(str(data, member), keys);
    if (!box) {
      out.passcodes.emplace_back(std::nullopt);
      continue;
    }
    if (box->registration != subject.str()) {
      return DecodeError{Errc::invalid_data, std::string(member) +
                                                 ": the sealed passcode is bound to another "
                                                 "registration (replayed?)"};
    }
    if (named && box->step != out.step) {
      return DecodeError{Errc::invalid_data, "the sealed passcodes name different steps"};
    }
    named = true;
    out.step = std::move(box->step);
    out.passcodes.emplace_back(std::move(box->passcode));
  }
  return out;
}

}  // namespace

InboundDecoder::InboundDecoder(const SchemaSet& schemas, crypto::SealKeys passcode_keys,
                               const trust::Verifier& verifier)
    : schemas_(schemas),
      passcode_keys_(std::move(passcode_keys)),
      verifier_(verifier),
      envelope_(schemas.find("cloudevent.schema.json")) {
  if (envelope_ == nullptr) throw Error(Errc::bad_schema, "the CloudEvents schema is missing");
}

std::variant<Inbound, DecodeError> InboundDecoder::decode(std::string_view payload,
                                                          std::string_view key,
                                                          Timestamp broker_time) const {
  if (payload.size() > kMaxInboundBytes) {
    return DecodeError{Errc::too_large, std::to_string(payload.size()) + " bytes, more than " +
                                            std::to_string(kMaxInboundBytes)};
  }
  // The key decides the partition, and so where the registration's state lives.
  if (key.empty()) return DecodeError{Errc::missing_key, "the message has no key"};
  rapidjson::Document doc;
  if (auto refused = parse_bounded(payload, doc)) return std::move(*refused);
  if (auto why = validate(*envelope_, doc); !why.empty()) {
    return DecodeError{Errc::not_cloudevent, "envelope " + why};
  }
  // Who sent it, before anything looks at what it says. One canonical form serves the
  // signature (without its member) and the input's hash (whole).
  std::optional<CanonicalEvent> canonical;
  std::string no_canonical;
  try {
    canonical = canonical_event(doc, trust::kSignatureAttribute);
  } catch (const crypto::CanonicalJsonError& e) {
    no_canonical = e.what();
  }
  trust::SignedEvent signed_event{
      member(doc, trust::kKeyIdAttribute), member(doc, trust::kSignatureAttribute),
      member(doc, "time"),
      canonical ? std::optional<std::string_view>(canonical->unsigned_form) : std::nullopt,
      no_canonical};
  auto who = verifier_.verify(signed_event, broker_time);
  if (auto* refused = std::get_if<trust::Refusal>(&who)) {
    return DecodeError{refused->code, std::move(refused->message)};
  }
  Inbound in;
  in.principal = std::move(std::get<Principal>(who));
  // What the audit records of this event name as their input (a verified event has its
  // canonical form).
  in.input_sha256 = crypto::sha256_hex(canonical->whole);
  const std::string type = str(doc, "type");
  const auto t = command_type_from(type);
  if (!t) return DecodeError{Errc::unknown_type, "unknown type " + type};
  const auto* data_schema = schemas_.find("commands/" + type + ".schema.json");
  const rapidjson::Value& data = doc["data"];
  if (data_schema == nullptr) return DecodeError{Errc::unknown_type, "no schema for type " + type};
  if (auto why = validate(*data_schema, data); !why.empty()) {
    return DecodeError{Errc::invalid_data, type + " data " + why};
  }
  in.id = EventId(str(doc, "id"));
  in.source = str(doc, "source");
  in.subject = RegistrationId(str(doc, "subject"));
  in.type = *t;
  in.traceparent = str(doc, "traceparent");
  if (key != in.subject.str()) {
    // State lives in the partition of the key; a different subject would land elsewhere.
    return DecodeError{Errc::key_mismatch, "message key differs from subject"};
  }
  switch (*t) {
    case CommandType::registration_start: {
      RegistrationStart c;
      c.channel = str(data, "channel");
      c.device = Device{str(data["device"], "id"), str(data["device"], "platform")};
      if (data.HasMember("citizen_id")) c.citizen_id = str(data, "citizen_id");
      if (data.HasMember("officer")) {
        c.officer = Officer{str(data["officer"], "id"), str(data["officer"], "counter")};
      }
      in.payload = std::move(c);
      break;
    }
    case CommandType::terms_accept:
      in.payload = TermsAccept{str(data, "terms_version")};
      break;
    case CommandType::permissions_grant: {
      PermissionsGrant c;
      for (const auto& p : data["permissions"].GetArray())
        c.permissions.emplace_back(p.GetString());
      in.payload = std::move(c);
      break;
    }
    case CommandType::card_front_capture:
    case CommandType::card_back_capture:
    case CommandType::selfie_capture:
      in.payload = ImageCapture{ImageRef(str(data, "image_ref"))};
      break;
    case CommandType::card_data_confirm:
      in.payload = CardDataConfirm{data["confirmed"].GetBool()};
      break;
    case CommandType::citizen_id_enter:
      in.payload = CitizenIdEnter{str(data, "citizen_id")};
      break;
    case CommandType::fingerprint_capture:
      in.payload = FingerprintCapture{
          str(data, "template_ref"), str(data, "finger"),
          data.HasMember("officer") ? str(data["officer"], "id") : std::string()};
      break;
    case CommandType::qr_scan:
      in.payload = QrScan{
          str(data, "token"),
          data.HasMember("device")
              ? std::optional(Device{str(data["device"], "id"), str(data["device"], "platform")})
              : std::nullopt};
      break;
    case CommandType::passcode_set: {
      auto boxes = open_boxes(data, {"sealed", "sealed_repeat"}, in.subject, passcode_keys_);
      if (auto* refused = std::get_if<DecodeError>(&boxes)) return std::move(*refused);
      auto& opened = std::get<OpenedBoxes>(boxes);
      in.payload = PasscodeSet{std::move(opened.passcodes[0]), std::move(opened.passcodes[1]),
                               std::move(opened.step)};
      break;
    }
    case CommandType::consent_confirm: {
      auto boxes = open_boxes(data, {"sealed"}, in.subject, passcode_keys_);
      if (auto* refused = std::get_if<DecodeError>(&boxes)) return std::move(*refused);
      auto& opened = std::get<OpenedBoxes>(boxes);
      in.payload = ConsentConfirm{std::move(opened.passcodes[0]), std::move(opened.step)};
      break;
    }
    case CommandType::registration_cancel:
      in.payload = RegistrationCancel{str(data, "reason")};
      break;
    case CommandType::operator_retry:
    case CommandType::operator_rewind:
    case CommandType::operator_cancel:
      in.payload = OperatorAction{str(data["operator"], "id"), str(data, "reason"),
                                  data.HasMember("to_step") ? str(data, "to_step") : ""};
      break;
    case CommandType::timer: {
      const auto due = from_rfc3339(str(data, "due"));
      if (!due)
        return DecodeError{Errc::invalid_data, "timer.fire data due is not an RFC 3339 time"};
      in.payload = TimerFired{*due};
      break;
    }
    case CommandType::task_result: {
      // On success the outputs must match the task's schema (schemas/tasks/), if it has one.
      const std::string task = str(data, "task");
      const auto* task_schema = schemas_.find("tasks/" + task + ".schema.json");
      if (task_schema != nullptr && str(data, "status") == "ok" && data.HasMember("outputs")) {
        rapidjson::Document wrapper;
        wrapper.SetObject();
        rapidjson::Value outputs(data["outputs"], wrapper.GetAllocator());
        wrapper.AddMember("outputs", outputs, wrapper.GetAllocator());
        if (auto why = validate(*task_schema, wrapper); !why.empty()) {
          return DecodeError{Errc::invalid_data, task + " outputs " + why};
        }
      }
      TaskResult r;
      r.request_id = RequestId(str(data, "request_id"));
      r.task = str(data, "task");
      const auto status = str(data, "status");
      r.status = status == "ok"          ? TaskStatus::ok
                 : status == "retryable" ? TaskStatus::retryable
                                         : TaskStatus::failed;
      if (data.HasMember("outputs")) r.outputs = to_nlohmann(data["outputs"]);
      if (data.HasMember("error")) {
        r.error = TaskError{str(data["error"], "code"), str(data["error"], "message")};
      }
      in.payload = std::move(r);
      break;
    }
  }
  return in;
}

}  // namespace enroll::codec
