#pragma once
// What GET /v1/registrations/{id} shows of a stored registration: where it stands and since
// when, never a secret or the plaintext citizen ID (masked: 1-xxxx-xxxxx-xx-3), no card data,
// image references or biometric scores.
#include <nlohmann/json.hpp>

#include "workflows/state.hpp"

namespace enroll::http {

nlohmann::json registration_view(const Registration& s);

}  // namespace enroll::http
