#pragma once
// The 13-digit Thai citizen ID: parsing, check digit, and the masked form used outside the
// registry.
#include <compare>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace enroll {

enum class CitizenIdError { wrong_length, not_digits, bad_check_digit };

// A human sentence, suitable for showing to the citizen.
std::string_view describe(CitizenIdError error);

class CitizenId {
 public:
  // Accepts 13 digits, optionally separated by '-' or ' ' (e.g. "1-2345-67890-12-1").
  static std::variant<CitizenId, CitizenIdError> parse(std::string_view text);

  // The 13 digits without separators.
  [[nodiscard]] const std::string& digits() const noexcept { return digits_; }
  // "1-xxxx-xxxxx-xx-3": only the first and the last digit are shown.
  [[nodiscard]] std::string masked() const;

  auto operator<=>(const CitizenId&) const = default;

 private:
  explicit CitizenId(std::string digits) : digits_(std::move(digits)) {}
  std::string digits_;
};

// check = (11 - (sum of d_i * (14 - i), i = 1..12) mod 11) mod 10.
// Returns -1 if the argument is not exactly 12 digits.
int citizen_id_check_digit(std::string_view first12digits);

// The 12 digits followed by their check digit; throws std::logic_error unless given
// exactly 12 digits. Used by simulators to make valid IDs.
std::string make_citizen_id(std::string_view first12digits);

}  // namespace enroll
