#pragma once
// Durations as people type them: "90s", "15m", "2h", "1d", "500ms", "1h30m"; a bare number
// is seconds. Used by ?stuck_for= and by the --stuck-after setting.
#include <chrono>
#include <optional>
#include <string_view>

namespace enroll::http {

// nullopt for anything else (empty, negative, a unit missing or unknown, over ten years).
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

}  // namespace enroll::http
