#include "service/http/registration_view.hpp"

#include <algorithm>
#include <cctype>

#include "workflows/domain/citizen_id.hpp"
#include "workflows/reason.hpp"

namespace enroll::http {
namespace {

using nlohmann::json;

json time_or_null(const std::optional<Timestamp>& t) {
  return t ? json(to_rfc3339(*t)) : json(nullptr);
}

json masked_citizen(const std::optional<std::string>& digits) {
  if (!digits) return nullptr;
  const auto parsed = CitizenId::parse(*digits);
  if (const auto* id = std::get_if<CitizenId>(&parsed)) return id->masked();
  return nullptr;  // stored IDs are validated; never show one that is not
}

}  // namespace

json registration_view(const Registration& s) {
  // What every registration shows, a tombstone (purged by the retention policy) included.
  json view{
      {"id", s.id.str()},
      {"channel", s.channel},
      {"definition_version", s.definition_version},
      {"status", to_string(s.status())},
      {"phase", to_string(s.phase)},
      {"step", s.step},
      {"state_version", s.state_version},
      {"audit_records", s.audit_seq},
      {"audit_head", s.audit_head},
      {"created_at", to_rfc3339(s.created_at)},
      {"updated_at", to_rfc3339(s.updated_at)},
      {"expires_at", to_rfc3339(s.expires_at)},
      {"reason", reason_json(s.reason)},
      {"purged_at", time_or_null(s.purged_at)},
      // The consent record once confirmed; a tombstone keeps it.
      {"consent", s.consent ? consent_to_json(*s.consent) : json(nullptr)},
  };
  if (s.purged()) return view;  // nothing else was kept
  view.update(json{
      {"stage", to_string(s.stage)},
      {"attempt", s.attempt},
      {"tries_used", s.tries_used},
      {"step_deadline", time_or_null(s.step_deadline)},
      {"step_reason", reason_json(s.step_reason)},
      {"locked_step", s.locked_step},
      {"hand_over_channel", s.hand_over_channel},
      {"incident", s.incident ? json{{"task", s.incident->task},
                                     {"error", s.incident->error},
                                     {"since", to_rfc3339(s.incident->since)},
                                     {"attempts", s.incident->attempts}}
                              : json(nullptr)},
      {"device", {{"platform", s.device.platform}}},
      {"officer",
       s.officer ? json{{"id", s.officer->id}, {"counter", s.officer->counter}} : json(nullptr)},
      {"citizen_id", masked_citizen(s.citizen_id)},
  });
  if (!s.consent) {  // not confirmed yet: what has been accepted so far
    view["consent"] = {{"terms_version", s.captured.terms.terms_version},
                       {"accepted_at", time_or_null(s.captured.terms.accepted_at)},
                       {"confirmed_at", nullptr},
                       {"confirmed_by", nullptr},
                       {"method", nullptr}};
  }
  return view;
}

RegistrationId registration_id_of(const Request& request) {
  const std::string& id = request.params.at("id");
  const bool ok = !id.empty() && id.size() <= 128 && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == ':' ||
           c == '-';
  });
  if (!ok) {
    throw RequestError(Errc::bad_id,
                       "a registration id is 1 to 128 characters of A-Z a-z 0-9 . _ : -");
  }
  return RegistrationId(id);
}

Response quarantined_response(const RegistrationId& id, const redis::Quarantine& q) {
  return error_response(
      Errc::registration_quarantined,
      "the stored state of " + id.str() + " cannot be decoded (" + q.reason + "); " +
          (q.at ? "quarantined at " + to_rfc3339(*q.at) + ", its record kept aside"
                : "it is quarantined at its next message") +
          "; see enrollctl list --status quarantined");
}

}  // namespace enroll::http
