#pragma once
// What GET /v1/registrations/{id} shows of a stored registration: where it stands and since
// when, never a secret or the plaintext citizen ID (masked: 1-xxxx-xxxxx-xx-3), no card data,
// image references or biometric scores.
#include <nlohmann/json.hpp>

#include "adapters/redis/read_model.hpp"
#include "service/http/message.hpp"
#include "workflows/state.hpp"

namespace enroll::http {

nlohmann::json registration_view(const Registration& s);

// 409 registration_quarantined: its stored state cannot be decoded (moved aside, or to be at
// its next message); the message says why and since when, never the record.
Response quarantined_response(const RegistrationId& id, const redis::Quarantine& q);

// The {id} of the request's path, as the inbox accepts subjects
// (schemas/cloudevent.schema.json); throws RequestError 400 bad_id.
RegistrationId registration_id_of(const Request& request);

}  // namespace enroll::http
