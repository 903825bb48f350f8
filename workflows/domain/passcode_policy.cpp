#include "workflows/domain/passcode_policy.hpp"

#include <sodium.h>

#include <array>

namespace enroll {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Constant time, so that the comparison of two secrets leaks nothing through timing.
bool same_secret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return a.empty() || sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

// Length of the longest run where each digit is the previous one plus `step` (+1 or -1).
std::size_t longest_run(std::string_view digits, int step) {
  std::size_t longest = digits.empty() ? 0 : 1;
  std::size_t current = 1;
  for (std::size_t i = 1; i < digits.size(); ++i) {
    current = (digits[i] - digits[i - 1] == step) ? current + 1 : 1;
    if (current > longest) longest = current;
  }
  return longest;
}

std::size_t most_frequent_count(std::string_view digits) {
  std::array<std::size_t, 10> counts{};
  std::size_t most = 0;
  for (char c : digits) {
    const std::size_t n = ++counts[static_cast<std::size_t>(c - '0')];
    if (n > most) most = n;
  }
  return most;
}

}  // namespace

std::string_view describe(PasscodeViolation violation) {
  switch (violation) {
    case PasscodeViolation::mismatch:
      return "the two passcodes entered are not the same";
    case PasscodeViolation::not_digits:
      return "the passcode must contain only digits";
    case PasscodeViolation::wrong_length:
      return "the passcode does not have the required number of digits";
    case PasscodeViolation::sequence:
      return "the passcode must not contain an ascending or descending run of 4 or more digits";
    case PasscodeViolation::repeated_digit:
      return "the passcode must not use the same digit too many times (four of one digit, as in "
             "1111, is refused by default)";
  }
  return "the passcode is not acceptable";
}

std::string_view code(PasscodeViolation violation) {
  switch (violation) {
    case PasscodeViolation::mismatch:
      return "passcode_mismatch";
    case PasscodeViolation::not_digits:
      return "passcode_not_digits";
    case PasscodeViolation::wrong_length:
      return "passcode_length";
    case PasscodeViolation::sequence:
      return "passcode_sequence";
    case PasscodeViolation::repeated_digit:
      return "passcode_repeated_digit";
  }
  return "passcode_invalid";
}

std::optional<PasscodeViolation> check_passcode(const SecretString& first,
                                                const SecretString& repeat,
                                                const PasscodePolicy& policy) {
  const std::string_view pass = first.view();
  if (!same_secret(pass, repeat.view())) return PasscodeViolation::mismatch;
  for (char c : pass) {
    if (!is_digit(c)) return PasscodeViolation::not_digits;
  }
  if (pass.size() != policy.length) return PasscodeViolation::wrong_length;
  if (longest_run(pass, +1) > policy.max_run || longest_run(pass, -1) > policy.max_run) {
    return PasscodeViolation::sequence;
  }
  if (most_frequent_count(pass) > policy.max_same_digit) return PasscodeViolation::repeated_digit;
  return std::nullopt;
}

}  // namespace enroll
