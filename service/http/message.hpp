#pragma once
// Requests and responses as the API's handlers see them: plain values, free of Beast, so
// that handlers and the router compile without Asio and are testable without a socket.
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/trust/operator_file.hpp"
#include "errors/errc.hpp"

namespace enroll::http {

enum class Method { get, head, post, put, patch, delete_, options, other };
std::string_view to_string(Method m);

struct Request {
  Method method = Method::get;
  std::string path;                           // percent-decoded, without the query
  std::map<std::string, std::string> query;   // percent-decoded; each name once
  std::map<std::string, std::string> params;  // the route's {name} segments
  std::string authorization;                  // the Authorization header, as sent
  std::string host;                           // the Host header, as sent (empty: none)
  trust::OperatorId operator_id;  // routes that need a token: whose it is (set by the router)
  trust::TokenRole role = trust::TokenRole::reader;  // and their role (set by the router)
  std::string idempotency_key;                       // the Idempotency-Key header, as sent
  std::string body;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
};

// A request the API refuses; the router answers it as the contract's JSON error.
class RequestError : public Error {
 public:
  // The status is the code's (errors/errc.cpp).
  RequestError(Errc code, const std::string& message) : Error(code, message) {}
};

// A JSON body.
Response json_response(int status, const nlohmann::json& body);
// The contract's error body: {"error": {"code": ..., "message": ...}}.
Response error_response(Errc code, std::string_view message);

}  // namespace enroll::http
