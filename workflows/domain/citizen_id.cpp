#include "workflows/domain/citizen_id.hpp"

#include <stdexcept>

namespace enroll {

namespace {

constexpr std::size_t kLength = 13;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool all_digits(std::string_view text) {
  for (char c : text) {
    if (!is_digit(c)) return false;
  }
  return true;
}

}  // namespace

std::string_view describe(CitizenIdError error) {
  switch (error) {
    case CitizenIdError::wrong_length:
      return "a citizen ID has exactly 13 digits";
    case CitizenIdError::not_digits:
      return "a citizen ID contains only digits, optionally separated by dashes or spaces";
    case CitizenIdError::bad_check_digit:
      return "the citizen ID's last digit does not match the others; please check for a typo";
  }
  return "invalid citizen ID";
}

int citizen_id_check_digit(std::string_view first12digits) {
  if (first12digits.size() != kLength - 1 || !all_digits(first12digits)) return -1;
  int sum = 0;
  for (std::size_t i = 0; i < first12digits.size(); ++i) {
    // Position i (0-based) is d_{i+1}, weighted 14 - (i + 1) = 13 - i.
    sum += (first12digits[i] - '0') * static_cast<int>(13 - i);
  }
  return (11 - sum % 11) % 10;
}

std::string make_citizen_id(std::string_view first12digits) {
  const int check = citizen_id_check_digit(first12digits);
  if (check < 0) throw std::logic_error("make_citizen_id needs exactly 12 digits");
  std::string id(first12digits);
  id.push_back(static_cast<char>('0' + check));
  return id;
}

std::variant<CitizenId, CitizenIdError> CitizenId::parse(std::string_view text) {
  std::string digits;
  digits.reserve(kLength);
  for (char c : text) {
    if (c == '-' || c == ' ') continue;
    if (!is_digit(c)) return CitizenIdError::not_digits;
    digits.push_back(c);
  }
  if (digits.size() != kLength) return CitizenIdError::wrong_length;
  if (citizen_id_check_digit(std::string_view(digits).substr(0, kLength - 1)) !=
      digits.back() - '0') {
    return CitizenIdError::bad_check_digit;
  }
  return CitizenId(std::move(digits));
}

std::string CitizenId::masked() const {
  std::string out;
  out.reserve(17);
  out.push_back(digits_.front());
  out += "-xxxx-xxxxx-xx-";
  out.push_back(digits_.back());
  return out;
}

}  // namespace enroll
