#include "service/http/query.hpp"

#include <algorithm>

#include "service/http/message.hpp"

namespace enroll::http {
namespace {

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool percent_decode(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (i + 2 >= in.size()) return false;
    const int hi = hex(in[i + 1]), lo = hex(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return true;
}

std::map<std::string, std::string> parse_query(std::string_view raw) {
  std::map<std::string, std::string> out;
  while (!raw.empty()) {
    const auto amp = raw.find('&');
    const std::string_view pair = raw.substr(0, amp);
    raw = amp == std::string_view::npos ? std::string_view() : raw.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    std::string name, value;
    if (!percent_decode(pair.substr(0, eq), name) ||
        (eq != std::string_view::npos && !percent_decode(pair.substr(eq + 1), value))) {
      throw RequestError(Errc::bad_request, "the query string is not valid percent-encoding");
    }
    if (!out.emplace(name, std::move(value)).second) {
      throw RequestError(Errc::bad_request, "query parameter '" + name + "' given twice");
    }
  }
  return out;
}

std::optional<std::string> query_value(const std::map<std::string, std::string>& query,
                                       const std::string& name) {
  const auto it = query.find(name);
  if (it == query.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

void reject_unknown(const std::map<std::string, std::string>& query,
                    std::initializer_list<std::string_view> known) {
  for (const auto& [name, value] : query) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      throw RequestError(Errc::bad_request, "unknown query parameter '" + name + "'");
    }
  }
}

}  // namespace enroll::http
