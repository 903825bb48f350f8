#pragma once
// The passcode rules of the registration channels: entered twice, digits only, a fixed
// length, no long ascending/descending run, no digit repeated too often.
#include <cstddef>
#include <optional>
#include <string_view>

#include "workflows/secret.hpp"

namespace enroll {

enum class PasscodeViolation { mismatch, not_digits, wrong_length, sequence, repeated_digit };

// A human sentence, suitable for showing to the citizen.
std::string_view describe(PasscodeViolation violation);
// A stable machine code for events and APIs, e.g. "passcode_sequence".
std::string_view code(PasscodeViolation violation);

struct PasscodePolicy {
  std::size_t length = 8;
  // A run of more than max_run consecutive ascending or descending digits (1234, 9876) is
  // refused. No wrap-around: 8901 is not a run.
  std::size_t max_run = 3;
  // Any digit occurring more than this many times in the passcode is refused (domain.md: four
  // of one digit, as in 1111, is refused).
  std::size_t max_same_digit = 3;
};

// The first violation in the order mismatch, not_digits, wrong_length, sequence,
// repeated_digit; nullopt if the passcode is acceptable.
std::optional<PasscodeViolation> check_passcode(const SecretString& first,
                                                const SecretString& repeat,
                                                const PasscodePolicy& policy);

}  // namespace enroll
