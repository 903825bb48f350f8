#include "service/http/message.hpp"

#include <nlohmann/json.hpp>

namespace enroll::http {

std::string_view to_string(Method m) {
  switch (m) {
    case Method::get:
      return "GET";
    case Method::head:
      return "HEAD";
    case Method::post:
      return "POST";
    case Method::put:
      return "PUT";
    case Method::patch:
      return "PATCH";
    case Method::delete_:
      return "DELETE";
    case Method::options:
      return "OPTIONS";
    case Method::other:
      break;
  }
  return "OTHER";
}

Response json_response(int status, const nlohmann::json& body) {
  // Stored text may hold bytes that are not UTF-8 (ids are only checked for control
  // characters): replace them rather than fail the response.
  return Response{status,
                  "application/json",
                  body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n",
                  {}};
}

Response error_response(Errc code, std::string_view message) {
  return json_response(http_status(code),
                       {{"error", {{"code", wire_code(code)}, {"message", message}}}});
}

}  // namespace enroll::http
