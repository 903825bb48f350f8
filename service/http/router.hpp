#pragma once
// Routes of the HTTP API: a method and a path pattern per handler, with the access it needs.
// Errors the router answers itself, as the contract's JSON: 404 (no route has this path),
// 405 (a route has the path, not the method; with Allow), 401 (a route that needs a bearer
// token, without the token of an operator or reader who may use it now: unknown, revoked and
// missing alike), 403 not_an_operator (an action's route with a reader's token), 400 (a path that
// does not percent-decode), 400 before anything else for a Host header that names none of the
// server's hosts (DNS rebinding: host_check.hpp).
//
// Thread-safety: routes are added before the server starts; dispatch() is const and may run
// on several threads.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "adapters/trust/operator_tokens.hpp"
#include "service/http/host_check.hpp"
#include "service/http/message.hpp"

namespace enroll::http {

// Call exactly once per request, from any thread.
using Respond = std::function<void(Response)>;
// Runs on an Asio thread: must not block. Slow work (Redis) goes to a worker that calls
// `respond` when done.
using Handler = std::function<void(Request&, Respond)>;

// Who may use a route. The authenticated id and role go to the handler in Request::operator_id
// and Request::role.
enum class Access {
  anyone,          // probes, metrics, the dashboard's page and assets, the signed passcode key
  reader,          // /v1 reads (registrations, trails, statistics, bulk jobs): "Authorization:
                   // Bearer <a reader's or an operator's token>"
  operator_token,  // operator actions: "Authorization: Bearer <an operator's token>"
};

class Router {
 public:
  // `operators`: whose tokens Access::reader and Access::operator_token routes take (the key
  // folder's operators.json); with none, such routes always answer 401.
  explicit Router(trust::OperatorTokens operators = {});
  // The hosts requests must name (default: any). Before the server starts.
  void allow_hosts(AllowedHosts hosts) { hosts_ = std::move(hosts); }

  // `pattern`: '/'-separated segments, each literal or {name} (one whole segment, handed to
  // the handler percent-decoded in Request::params). Throws std::logic_error for a route
  // added twice.
  void add(Method method, const std::string& pattern, Handler handler,
           Access access = Access::anyone);
  // `request.path` is the raw path (still percent-encoded), so that an encoded '/' stays
  // inside its segment.
  void dispatch(Request request, const Respond& respond) const;

 private:
  struct Route {
    Method method;
    std::vector<std::string> segments;  // literal, or {name}
    Handler handler;
    Access access;
  };
  // The route's parameters if `path` matches its segments.
  static bool match(const Route& route, const std::vector<std::string>& path,
                    std::map<std::string, std::string>& params);
  // Whose the request's bearer token is, if theirs and not revoked now.
  [[nodiscard]] std::optional<trust::Caller> authenticate(const Request& request) const;
  trust::OperatorTokens operators_;
  AllowedHosts hosts_;
  std::vector<Route> routes_;
};

}  // namespace enroll::http
