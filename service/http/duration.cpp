#include "service/http/duration.hpp"

#include <charconv>
#include <cstdint>

namespace enroll::http {

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  using namespace std::chrono;
  constexpr std::int64_t max_ms = 10LL * 366 * 86400 * 1000;
  if (text.empty()) return std::nullopt;
  std::int64_t bare = 0;
  if (auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), bare);
      ec == std::errc() && p == text.data() + text.size()) {
    if (bare < 0 || bare > max_ms / 1000) return std::nullopt;
    return milliseconds(bare * 1000);
  }
  std::int64_t total = 0;
  while (!text.empty()) {
    std::int64_t n = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || n < 0 || n > max_ms) return std::nullopt;
    text.remove_prefix(static_cast<std::size_t>(p - text.data()));
    std::int64_t unit = 0;
    if (text.rfind("ms", 0) == 0) {
      unit = 1;
      text.remove_prefix(2);
    } else if (!text.empty()) {
      switch (text.front()) {
        case 's':
          unit = 1000;
          break;
        case 'm':
          unit = std::int64_t{60} * 1000;
          break;
        case 'h':
          unit = std::int64_t{3600} * 1000;
          break;
        case 'd':
          unit = std::int64_t{86400} * 1000;
          break;
        default:
          return std::nullopt;
      }
      text.remove_prefix(1);
    } else {
      return std::nullopt;  // "1h30": the last number has no unit
    }
    if (n > (max_ms - total) / unit) return std::nullopt;
    total += n * unit;
  }
  return milliseconds(total);
}

}  // namespace enroll::http
