#include "service/http/router.hpp"

#include <algorithm>
#include <stdexcept>

#include "adapters/trust/signer.hpp"
#include "service/http/query.hpp"

namespace enroll::http {
namespace {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  if (path.empty() || path.front() != '/') return out;
  path.remove_prefix(1);
  for (;;) {
    const auto slash = path.find('/');
    out.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool is_param(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

Router::Router(trust::OperatorTokens operators) : operators_(std::move(operators)) {}

void Router::add(Method method, const std::string& pattern, Handler handler, Access access) {
  Route route{method, split_path(pattern), std::move(handler), access};
  // {id} and {other} in the same place are the same route.
  const auto same_shape = [](const std::vector<std::string>& a, const std::vector<std::string>& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
      return x == y || (is_param(x) && is_param(y));
    });
  };
  for (const auto& r : routes_) {
    if (r.method == method && same_shape(r.segments, route.segments)) {
      throw std::logic_error("route " + std::string(to_string(method)) + " " + pattern +
                             " added twice");
    }
  }
  routes_.push_back(std::move(route));
}

bool Router::match(const Route& route, const std::vector<std::string>& path,
                   std::map<std::string, std::string>& params) {
  if (route.segments.size() != path.size()) return false;
  std::map<std::string, std::string> found;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const auto& want = route.segments[i];
    if (is_param(want)) {
      if (path[i].empty()) return false;
      found[want.substr(1, want.size() - 2)] = path[i];
    } else if (want != path[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

std::optional<trust::Caller> Router::authenticate(const Request& request) const {
  static constexpr std::string_view scheme = "Bearer ";
  if (request.authorization.rfind(scheme, 0) != 0) return std::nullopt;
  return operators_.authenticate(std::string_view(request.authorization).substr(scheme.size()),
                                 trust::system_now());
}

void Router::dispatch(Request request, const Respond& respond) const {
  // No Host at all (HTTP/1.0) passes: a browser always names one, so a rebound page does.
  if (!request.host.empty() && !hosts_.allows(request.host)) {
    // Not echoed: the header is the client's.
    respond(
        error_response(Errc::bad_request,
                       "the Host header names no host of this server (see http_allowed_hosts)"));
    return;
  }
  // Decode each segment on its own: "%2F" inside an id must not split it.
  auto path = split_path(request.path);
  for (auto& segment : path) {
    std::string decoded;
    if (!percent_decode(segment, decoded)) {
      respond(error_response(Errc::bad_request, "the path is not valid percent-encoding"));
      return;
    }
    segment = std::move(decoded);
  }
  std::vector<std::string> allowed;
  for (const auto& route : routes_) {
    std::map<std::string, std::string> params;
    if (!match(route, path, params)) continue;
    // HEAD is GET without the body (the server drops it): probes and caches use it.
    const bool head_of_get = request.method == Method::head && route.method == Method::get;
    if (route.method != request.method && !head_of_get) {
      allowed.emplace_back(to_string(route.method));
      if (route.method == Method::get) allowed.emplace_back(to_string(Method::head));
      continue;
    }
    if (route.access != Access::anyone) {
      // An unknown, a revoked and a missing token get the same answer.
      auto who = authenticate(request);
      if (!who) {
        auto r =
            error_response(Errc::unauthorized,
                           route.access == Access::operator_token
                               ? "this action needs the bearer token of an operator who may act"
                               : "this read needs the bearer token of a reader or an "
                                 "operator (enroll-keygen --add-reader)");
        r.headers.emplace_back("WWW-Authenticate", "Bearer");
        respond(std::move(r));
        return;
      }
      // A known reader: 403, not 401, so that a client does not ask again for the same token.
      if (route.access == Access::operator_token && !who->may_act()) {
        respond(error_response(Errc::not_an_operator,
                               "this token is a reader's: it may read, not act (an operator's "
                               "token is needed)"));
        return;
      }
      request.operator_id = std::move(who->id);
      request.role = who->role;
    }
    request.params = std::move(params);
    try {
      route.handler(request, respond);
    } catch (const RequestError& e) {
      respond(error_response(e.code(), e.what()));
    }
    return;
  }
  if (allowed.empty()) {
    respond(error_response(Errc::not_found, "no such resource: " + request.path));
    return;
  }
  std::sort(allowed.begin(), allowed.end());
  std::string allow;
  for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
  auto r = error_response(Errc::method_not_allowed, std::string(to_string(request.method)) +
                                                        " is not allowed here; use " + allow);
  r.headers.emplace_back("Allow", allow);
  respond(std::move(r));
}

}  // namespace enroll::http
