#include "service/http/dashboard.hpp"

#include <memory>
#include <stdexcept>
#include <string>

#include "service/http/dashboard_assets.hpp"

namespace enroll::http {
namespace {

Response asset(std::string content_type, std::string body) {
  Response r{200, std::move(content_type), std::move(body), {}};
  // no-cache: a browser checks again after an upgrade instead of running an old script.
  r.headers = {{"Cache-Control", "no-cache"},
               {"X-Content-Type-Options", "nosniff"},
               {"Content-Security-Policy", "default-src 'self'"}};
  return r;
}

void add_asset(Router& router, const std::string& path, Response response) {
  router.add(Method::get, path,
             [r = std::make_shared<const Response>(std::move(response))](
                 Request&, const Respond& respond) { respond(*r); });
}

}  // namespace

void add_dashboard_routes(Router& router, std::chrono::milliseconds stuck_after) {
  std::string page(dashboard_html());
  const std::string slot = "{{stuck_after}}";
  const auto at = page.find(slot);
  if (at == std::string::npos) throw std::logic_error("dashboard.html lacks " + slot);
  page.replace(at, slot.size(), std::to_string(stuck_after.count()) + "ms");
  add_asset(router, "/", asset("text/html; charset=utf-8", std::move(page)));
  add_asset(router, "/dashboard.js",
            asset("text/javascript; charset=utf-8", std::string(dashboard_js())));
  add_asset(router, "/dashboard.css",
            asset("text/css; charset=utf-8", std::string(dashboard_css())));
}

}  // namespace enroll::http
