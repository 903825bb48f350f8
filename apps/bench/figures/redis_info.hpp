#pragma once
// A field of a Redis INFO reply ("used_memory:123\r\n" lines), for enroll-bench's memory
// samples and the masters' process ids.
#include <optional>
#include <string_view>

namespace enroll::bench {

// The whole-number value of `field` in an INFO reply; nullopt if absent or not a number.
std::optional<long long> info_integer(std::string_view info, std::string_view field);

}  // namespace enroll::bench
