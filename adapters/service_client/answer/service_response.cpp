#include "adapters/service_client/answer/service_response.hpp"

namespace enroll::client {

nlohmann::json ServiceResponse::json() const {
  auto j = nlohmann::json::parse(body, nullptr, false);
  return j.is_discarded() ? nlohmann::json() : j;
}

std::string ServiceResponse::error_text() const {
  const auto j = json();
  if (j.is_object() && j.contains("error") && j["error"].is_object()) {
    return std::to_string(status) + " " + j["error"].value("code", "") + ": " +
           j["error"].value("message", "");
  }
  return std::to_string(status) + ": " + body.substr(0, 200);
}

std::optional<Errc> ServiceResponse::error_code() const {
  const auto j = json();
  if (!j.is_object() || !j.contains("error") || !j["error"].is_object()) return std::nullopt;
  const auto& code = j["error"]["code"];
  return code.is_string() ? errc_from_wire(code.get<std::string>()) : std::nullopt;
}

Error ServiceResponse::error() const {
  return {error_code().value_or(Errc::internal), error_text()};
}

}  // namespace enroll::client
