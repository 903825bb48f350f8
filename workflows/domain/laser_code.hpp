#pragma once
// The laser code printed on the back of the ID card: 2 letters + 10 digits.
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace enroll {

enum class LaserCodeError { wrong_format };

// A human sentence, suitable for showing to the citizen.
std::string_view describe(LaserCodeError error);

class LaserCode {
 public:
  // Accepts "JT0-1234567-89" or "JT0123456789"; letters may be lowercase.
  static std::variant<LaserCode, LaserCodeError> parse(std::string_view text);

  // "JT0123456789": the form sent to the civil registry.
  [[nodiscard]] const std::string& compact() const noexcept { return compact_; }
  // "JT0-1234567-89": the form printed on the card.
  [[nodiscard]] std::string display() const;

  auto operator<=>(const LaserCode&) const = default;

 private:
  explicit LaserCode(std::string compact) : compact_(std::move(compact)) {}
  std::string compact_;
};

}  // namespace enroll
