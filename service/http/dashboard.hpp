#pragma once
// The dashboard (contract: HTTP, GET /): a static page, its script and its style sheet,
// compiled into the binary from dashboard/ (no front-end build, nothing from elsewhere: it
// works offline). The script reads the public endpoints of the same server (funnel,
// /metrics, the stuck listing) every few seconds. Served from memory on the Asio thread.
//   GET /               the page
//   GET /dashboard.js   its script
//   GET /dashboard.css  its style sheet
#include <chrono>

#include "service/http/router.hpp"

namespace enroll::http {

// `stuck_after`: the setting /metrics counts stuck registrations with; the page lists the
// stuck ones with the same duration.
void add_dashboard_routes(Router& router, std::chrono::milliseconds stuck_after);

}  // namespace enroll::http
