#pragma once
// The dashboard's files (dashboard/), embedded at build time.
#include <string_view>

namespace enroll::http {
std::string_view dashboard_html();  // dashboard/dashboard.html
std::string_view dashboard_js();    // dashboard/dashboard.js
std::string_view dashboard_css();   // dashboard/dashboard.css
}  // namespace enroll::http
