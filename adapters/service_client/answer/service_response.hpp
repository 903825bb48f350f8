#pragma once
// An answer of enrollmentd's HTTP API as the client (service_client.hpp) returns it: the
// status and the body, with the contract's error body read out of it.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "errors/errc.hpp"

namespace enroll::client {

struct ServiceResponse {
  int status = 0;
  std::string body;
  // The body as JSON (null if it is not JSON).
  [[nodiscard]] nlohmann::json json() const;
  // "409 registration_ended: the registration is issued ..." from the contract's error body.
  [[nodiscard]] std::string error_text() const;
  // The contract's error body's code (errors/errc.hpp), if the body is one with a known code.
  [[nodiscard]] std::optional<Errc> error_code() const;
  // The answer as an exception: its code (internal if the body names none), error_text().
  [[nodiscard]] Error error() const;
};

}  // namespace enroll::client
