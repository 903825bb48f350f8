#pragma once
// The civil registry writes dates as YYYYMMDD in the Buddhist era (Gregorian year + 543).
#include <optional>
#include <string>

namespace enroll {

// "1990-05-17" -> "25330517"; nullopt if `iso` is not YYYY-MM-DD.
std::optional<std::string> buddhist_yyyymmdd(const std::string& iso);

}  // namespace enroll
