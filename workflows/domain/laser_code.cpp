#include "workflows/domain/laser_code.hpp"

namespace enroll {

namespace {

constexpr std::size_t kCompactLength = 12;
constexpr std::size_t kDisplayLength = 14;
// Dash positions in the display form "JT0-1234567-89".
constexpr std::size_t kFirstDash = 3;
constexpr std::size_t kSecondDash = 11;

bool is_ascii_letter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
char to_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

}  // namespace

std::string_view describe(LaserCodeError error) {
  switch (error) {
    case LaserCodeError::wrong_format:
      return "a laser code is 2 letters followed by 10 digits, written like JT0-1234567-89";
  }
  return "invalid laser code";
}

std::variant<LaserCode, LaserCodeError> LaserCode::parse(std::string_view text) {
  std::string compact;
  if (text.size() == kDisplayLength) {
    if (text[kFirstDash] != '-' || text[kSecondDash] != '-') return LaserCodeError::wrong_format;
    compact.append(text.substr(0, kFirstDash));
    compact.append(text.substr(kFirstDash + 1, kSecondDash - kFirstDash - 1));
    compact.append(text.substr(kSecondDash + 1));
  } else if (text.size() == kCompactLength) {
    compact.assign(text);
  } else {
    return LaserCodeError::wrong_format;
  }
  for (std::size_t i = 0; i < compact.size(); ++i) {
    const bool ok = i < 2 ? is_ascii_letter(compact[i]) : is_digit(compact[i]);
    if (!ok) return LaserCodeError::wrong_format;
    compact[i] = to_upper(compact[i]);
  }
  return LaserCode(std::move(compact));
}

std::string LaserCode::display() const {
  std::string out = compact_.substr(0, kFirstDash);
  out.push_back('-');
  out += compact_.substr(kFirstDash, 7);
  out.push_back('-');
  out += compact_.substr(kFirstDash + 7);
  return out;
}

}  // namespace enroll
