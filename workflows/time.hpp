#pragma once
// Time as the engine sees it: milliseconds since the epoch, always passed in (never read from
// a clock inside the engine), so that replays are deterministic.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace enroll {

using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

std::string to_rfc3339(Timestamp t);                           // 2026-11-26T21:16:43.123Z
std::optional<Timestamp> from_rfc3339(std::string_view text);  // the subset we emit + offsets
inline Timestamp from_millis(std::int64_t ms) { return Timestamp{std::chrono::milliseconds{ms}}; }
inline std::int64_t to_millis(Timestamp t) { return t.time_since_epoch().count(); }

}  // namespace enroll
