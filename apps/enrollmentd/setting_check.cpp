#include "apps/enrollmentd/setting_check.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <stdexcept>
#include <system_error>

#include "adapters/redis/connect.hpp"
#include "errors/errc.hpp"
#include "service/http/duration.hpp"
#include "service/http/host_check.hpp"
#include "service/server/server.hpp"

namespace enroll::daemon {
namespace {

constexpr std::size_t kMaxPathBytes = 4095;    // PATH_MAX less its NUL
constexpr std::size_t kMaxAddressBytes = 261;  // "[" 253-byte host "]:65535"
constexpr std::size_t kMaxListBytes = 4096;    // brokers, Redis seed nodes

bool control(unsigned char c) { return c < 0x20 || c == 0x7f; }

std::string in_quotes(std::string_view text) { return "'" + shown(text) + "'"; }

Refusal too_long(std::string_view text, std::size_t max) {
  if (text.size() <= max) return std::nullopt;
  return in_quotes(text) + " is longer than " + std::to_string(max) + " bytes";
}

// Bounded printable ASCII: what a parser that echoes the value in its error may be given.
Refusal printable_ascii(std::string_view text, std::size_t max) {
  if (auto r = too_long(text, max)) return r;
  const auto bad = [](unsigned char c) { return control(c) || c >= 0x80; };
  if (std::any_of(text.begin(), text.end(), bad)) {
    return in_quotes(text) + " has a byte that is not printable ASCII";
  }
  return std::nullopt;
}

// A URL without what is between "://" and its last '@' (a user and password).
std::string without_login(std::string_view url) {
  const auto scheme = url.find("://");
  const auto at = url.rfind('@');
  if (scheme == std::string_view::npos || at == std::string_view::npos || at < scheme) {
    return std::string(url);
  }
  return std::string(url.substr(0, scheme + 3)) + "...@" + std::string(url.substr(at + 1));
}

// Runs a parser that throws Error (bad_address, bad_url) with a one-line reason.
template <class Parse>
Refusal parsed(std::string_view text, std::size_t max, Parse parse) {
  if (auto r = printable_ascii(text, max)) return r;
  try {
    parse(std::string(text));
  } catch (const Error& e) {
    return std::string(e.what());
  }
  return std::nullopt;
}

}  // namespace

std::string shown(std::string_view value, std::size_t max) {
  std::string out;
  for (std::size_t i = 0; i < value.size() && i < max; ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (!control(c) && c < 0x80) {
      out += static_cast<char>(c);
    } else {
      std::array<char, 5> hex{};
      std::snprintf(hex.data(), hex.size(), "\\x%02x", c);
      out += hex.data();
    }
  }
  if (value.size() > max) out += "...";
  return out;
}

namespace check {

SettingCheck integer_in(long long lo, long long hi) {
  const std::string range = std::to_string(lo) + ".." + std::to_string(hi);
  return {true, range, [lo, hi, range](std::string& text) -> Refusal {
            long long value = 0;
            const char* end = text.data() + text.size();
            const auto [p, ec] = std::from_chars(text.data(), end, value);
            if (p != end || ec == std::errc::invalid_argument) {
              return in_quotes(text) + " is not an integer";
            }
            if (ec == std::errc::result_out_of_range || value < lo || value > hi) {
              return shown(text) + " is not in " + range;
            }
            text = std::to_string(value);
            return std::nullopt;
          }};
}

SettingCheck one_of(std::vector<std::string> names) {
  std::string bounds;
  std::string listed;
  for (const auto& n : names) {
    bounds += (bounds.empty() ? "" : "|") + n;
    listed += (listed.empty() ? "" : ", ") + n;
  }
  return {false, bounds, [names = std::move(names), listed](std::string& text) -> Refusal {
            if (std::find(names.begin(), names.end(), text) != names.end()) return std::nullopt;
            return in_quotes(text) + " is not one of " + listed;
          }};
}

SettingCheck duration(bool zero_allowed) {
  return {false, "", [zero_allowed](std::string& text) -> Refusal {
            const auto d = http::parse_duration(text);
            if (!d) return in_quotes(text) + " is not a duration such as 90s, 15m, 2h, 30d";
            if (!zero_allowed && d->count() == 0) return "must be longer than 0";
            return std::nullopt;
          }};
}

SettingCheck listen_address() {
  return {false, "", [](std::string& text) {
            return parsed(text, kMaxAddressBytes, http::parse_listen_address);
          }};
}

SettingCheck redis_url() {
  return {false, "", [](std::string& text) -> Refusal {
            // The URL may hold a password: a refusal quotes it without its login part.
            const std::string safe = without_login(text);
            if (text.size() > kMaxListBytes) {
              return in_quotes(safe) + " is longer than " + std::to_string(kMaxListBytes) +
                     " bytes";
            }
            if (auto r = printable_ascii(safe, kMaxListBytes)) return r;
            if (auto why = parsed(text, kMaxListBytes, redis::check_redis_url)) {
              return in_quotes(safe) + ": " + *why;
            }
            return std::nullopt;
          }};
}

SettingCheck host_list() {
  return {false, "", [](std::string& text) -> Refusal {
            if (text.empty()) return std::nullopt;
            return parsed(text, kMaxListBytes, http::parse_host_list);
          }};
}

SettingCheck broker_list() {
  return {false, "", [](std::string& text) -> Refusal {
            if (auto r = printable_ascii(text, kMaxListBytes)) return r;
            if (text.empty()) return "must not be empty";
            if (text.find(' ') != std::string::npos) return in_quotes(text) + " has a space";
            if (text.front() == ',' || text.back() == ',' || text.find(",,") != std::string::npos) {
              return in_quotes(text) + " has an empty entry";
            }
            return std::nullopt;
          }};
}

SettingCheck name(std::size_t min, std::size_t max, std::string_view extra) {
  std::string allowed = "A-Z a-z 0-9 . _ -";
  for (const char c : extra) (allowed += ' ') += c;
  return {false, "", [min, max, extra = std::string(extra), allowed](std::string& text) -> Refusal {
            if (auto r = too_long(text, max)) return r;
            if (text.size() < min) return "must not be empty";
            const auto ok = [&extra](char c) {
              return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                     c == '.' || c == '_' || c == '-' || extra.find(c) != std::string::npos;
            };
            if (!std::all_of(text.begin(), text.end(), ok)) {
              return in_quotes(text) + " has a character outside " + allowed;
            }
            return std::nullopt;
          }};
}

SettingCheck path() {
  return {false, "", [](std::string& text) -> Refusal {
            if (auto r = too_long(text, kMaxPathBytes)) return r;
            const auto bad = [](char c) { return control(static_cast<unsigned char>(c)); };
            if (std::any_of(text.begin(), text.end(), bad)) {
              return in_quotes(text) + " has a control character";
            }
            return std::nullopt;
          }};
}

}  // namespace check
}  // namespace enroll::daemon
