#include "apps/bench/figures/redis_info.hpp"

#include <charconv>

namespace enroll::bench {

std::optional<long long> info_integer(std::string_view info, std::string_view field) {
  while (!info.empty()) {
    const auto end = info.find('\n');
    auto line = info.substr(0, end);
    info.remove_prefix(end == std::string_view::npos ? info.size() : end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() <= field.size() || line.substr(0, field.size()) != field ||
        line[field.size()] != ':') {
      continue;
    }
    const auto value = line.substr(field.size() + 1);
    long long n = 0;
    const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc{} || ptr != value.data() + value.size()) return std::nullopt;
    return n;
  }
  return std::nullopt;
}

}  // namespace enroll::bench
