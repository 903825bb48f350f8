#include "service/http/host_check.hpp"

#include <algorithm>
#include <cctype>

#include "errors/errc.hpp"

namespace enroll::http {
namespace {

constexpr std::size_t kMaxHost = 255;  // a DNS name's limit

bool name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_';
}

bool valid_port(std::string_view port) {
  return !port.empty() && port.size() <= 5 && std::all_of(port.begin(), port.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

std::optional<std::string> host_of(std::string_view header) {
  if (header.empty() || header.size() > kMaxHost + 8) return std::nullopt;
  std::string_view host;
  std::string_view port;
  if (header.front() == '[') {  // [v6]:port
    const auto close = header.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = header.substr(1, close - 1);
    const auto rest = header.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
      if (!valid_port(port)) return std::nullopt;
    }
    if (host.empty() || !std::all_of(host.begin(), host.end(), [](char c) {
          return std::isxdigit(static_cast<unsigned char>(c)) != 0 || c == ':' || c == '.';
        })) {
      return std::nullopt;
    }
    return lower(host);
  }
  const auto colon = header.find(':');
  host = header.substr(0, colon);
  if (colon != std::string_view::npos && !valid_port(header.substr(colon + 1))) {
    return std::nullopt;
  }
  if (host.empty() || host.size() > kMaxHost || !std::all_of(host.begin(), host.end(), name_char)) {
    return std::nullopt;
  }
  std::string out = lower(host);
  if (out.back() == '.') out.pop_back();  // "example.org." is "example.org"
  if (out.empty()) return std::nullopt;
  return out;
}

AllowedHosts::AllowedHosts(std::vector<std::string> names) : names_(std::move(names)) {}

bool AllowedHosts::allows(std::string_view header) const {
  if (names_.empty()) return true;
  const auto host = host_of(header);
  return host && std::find(names_.begin(), names_.end(), *host) != names_.end();
}

std::vector<std::string> default_hosts(const std::string& bound) {
  std::vector<std::string> names{"localhost", "127.0.0.1", "::1"};
  const auto own = host_of(
      bound.find(':') != std::string::npos && bound.front() != '[' ? "[" + bound + "]" : bound);
  if (own && *own != "0.0.0.0" && *own != "::" &&
      std::find(names.begin(), names.end(), *own) == names.end()) {
    names.push_back(*own);
  }
  return names;
}

std::vector<std::string> parse_host_list(std::string_view text) {
  std::vector<std::string> names;
  std::size_t start = 0;
  for (;;) {
    const auto comma = text.find(',', start);
    const std::string_view item = text.substr(start, comma - start);
    const auto host = host_of(item);
    const bool has_port = item.find("]:") != std::string_view::npos ||
                          (item.find(':') != std::string_view::npos && item.front() != '[');
    if (!host || has_port) {
      throw Error(Errc::bad_setting,
                  "'" + std::string(item.substr(0, 64)) +
                      "' is not a host name or address (an IPv6 address in brackets, no port)");
    }
    names.push_back(*host);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return names;
}

}  // namespace enroll::http
