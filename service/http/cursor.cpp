#include "service/http/cursor.hpp"

#include <algorithm>
#include <charconv>

#include "workflows/crypto/base64.hpp"

namespace enroll::http {
namespace {

// base64url without padding, on top of the project's standard base64.
std::string to_base64url(std::string_view text) {
  std::string s =
      crypto::to_base64({reinterpret_cast<const unsigned char*>(text.data()), text.size()});
  while (!s.empty() && s.back() == '=') s.pop_back();
  std::replace(s.begin(), s.end(), '+', '-');
  std::replace(s.begin(), s.end(), '/', '_');
  return s;
}

std::optional<std::string> from_base64url(std::string_view text) {
  std::string s(text);
  if (s.find_first_of("+/=") != std::string::npos) return std::nullopt;
  std::replace(s.begin(), s.end(), '-', '+');
  std::replace(s.begin(), s.end(), '_', '/');
  while (s.size() % 4 != 0) s += '=';
  auto bytes = crypto::from_base64(s);
  if (!bytes) return std::nullopt;
  return std::string(bytes->begin(), bytes->end());
}

std::optional<std::int64_t> to_int(std::string_view s) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

constexpr std::string_view list_tag = "l1:";
constexpr std::string_view history_tag = "h1:";

}  // namespace

std::string encode_list_cursor(const redis::ListPosition& after) {
  return to_base64url(std::string(list_tag) + std::to_string(after.changed_ms) + ":" + after.id);
}

std::optional<redis::ListPosition> decode_list_cursor(std::string_view cursor) {
  const auto text = from_base64url(cursor);
  if (!text || text->rfind(list_tag, 0) != 0) return std::nullopt;
  const std::string_view rest = std::string_view(*text).substr(list_tag.size());
  const auto colon = rest.find(':');
  if (colon == std::string_view::npos || colon + 1 >= rest.size()) return std::nullopt;
  const auto ms = to_int(rest.substr(0, colon));
  if (!ms) return std::nullopt;
  return redis::ListPosition{*ms, std::string(rest.substr(colon + 1))};
}

std::string encode_history_cursor(std::int64_t offset) {
  return to_base64url(std::string(history_tag) + std::to_string(offset));
}

std::optional<std::int64_t> decode_history_cursor(std::string_view cursor) {
  const auto text = from_base64url(cursor);
  if (!text || text->rfind(history_tag, 0) != 0) return std::nullopt;
  return to_int(std::string_view(*text).substr(history_tag.size()));
}

}  // namespace enroll::http
