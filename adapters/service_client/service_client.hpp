#pragma once
// The HTTP client of a running enrollmentd's API (Boost.Beast), for enrollctl and the channel
// back-ends (the citizen simulator, the bench: the signed passcode sealing key): one request
// per connection, HTTP/1.1 plain or over TLS (https://: TLS 1.2+, the server's certificate
// checked against a CA file or the system's CAs, and its name), a deadline over every step,
// a bound on the answer's body.
#include <chrono>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "adapters/service_client/answer/service_response.hpp"
#include "errors/errc.hpp"

namespace enroll::client {

// http[s]://host[:port][/prefix]; throws Error(bad_url) (a usage error) otherwise.
struct ServiceUrl {
  bool tls = false;  // https://
  std::string host;
  std::string port = "80";  // 443 for https://
  std::string prefix;       // without the trailing '/'
};
ServiceUrl parse_service_url(const std::string& text);

// The service could not be reached, did not answer HTTP within the deadline, or answered a
// body over the client's bound.
class ServiceUnreachable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ServiceClient {
 public:
  // `ca_file`: PEM CAs to check an https:// server's certificate with (empty: the system's).
  // `body_limit`: the largest answer body read (a larger one: ServiceUnreachable).
  ServiceClient(ServiceUrl url, std::string token, std::string ca_file = {},
                std::chrono::milliseconds timeout = std::chrono::seconds(30),
                std::size_t body_limit = kDefaultBodyLimit);
  static constexpr std::size_t kDefaultBodyLimit = 8 * 1024 * 1024;
  // `target`: path and query, percent-encoded. Throws ServiceUnreachable.
  ServiceResponse get(const std::string& target) const;
  // With an `idempotency_key`, sent as Idempotency-Key: a repeat is the same command.
  ServiceResponse post(const std::string& target, const nlohmann::json& body,
                       const std::string& idempotency_key = {}) const;

 private:
  ServiceResponse request(bool post, const std::string& target, const std::string& body,
                          const std::string& idempotency_key) const;
  ServiceUrl url_;
  std::string token_;
  std::string ca_file_;
  std::chrono::milliseconds timeout_;
  std::size_t body_limit_;
};

// Percent-encodes a path segment or query value (unreserved characters stay).
std::string url_encode(const std::string& text);

}  // namespace enroll::client
