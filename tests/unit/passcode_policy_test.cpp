#include "workflows/domain/passcode_policy.hpp"

#include <gtest/gtest.h>

#include <set>

namespace enroll {
namespace {

std::optional<PasscodeViolation> check(const std::string& first, const std::string& repeat,
                                       const PasscodePolicy& policy = {}) {
  return check_passcode(SecretString(first), SecretString(repeat), policy);
}

std::optional<PasscodeViolation> check(const std::string& passcode,
                                       const PasscodePolicy& policy = {}) {
  return check(passcode, passcode, policy);
}

TEST(PasscodePolicy, AcceptsGoodPasscodes) {
  EXPECT_EQ(check("13572468"), std::nullopt);
  EXPECT_EQ(check("12312312"), std::nullopt);  // runs of 3 are allowed
  EXPECT_EQ(check("78907890"), std::nullopt);  // no wrap-around: 9 -> 0 breaks the run
  EXPECT_EQ(check("21092109"), std::nullopt);  // nor 0 -> 9 descending
  EXPECT_EQ(check("11125806"), std::nullopt);  // exactly 3 ones is allowed
  EXPECT_EQ(check("11335577"), std::nullopt);
}

TEST(PasscodePolicy, Mismatch) {
  EXPECT_EQ(check("13572468", "13572469"), PasscodeViolation::mismatch);
  EXPECT_EQ(check("13572468", "1357246"), PasscodeViolation::mismatch);
  // Mismatch is checked first, even when both entries are otherwise bad.
  EXPECT_EQ(check("1234", "abcd"), PasscodeViolation::mismatch);
}

TEST(PasscodePolicy, NotDigits) {
  EXPECT_EQ(check("1357246a"), PasscodeViolation::not_digits);
  EXPECT_EQ(check("1357 468"), PasscodeViolation::not_digits);
  EXPECT_EQ(check("abc"), PasscodeViolation::not_digits);  // before the length check
}

TEST(PasscodePolicy, WrongLength) {
  EXPECT_EQ(check(""), PasscodeViolation::wrong_length);
  EXPECT_EQ(check("1357246"), PasscodeViolation::wrong_length);
  EXPECT_EQ(check("135724680"), PasscodeViolation::wrong_length);
  EXPECT_EQ(check("135724", PasscodePolicy{.length = 6}), std::nullopt);
  EXPECT_EQ(check("12345678901"), PasscodeViolation::wrong_length);  // before the sequence check
}

TEST(PasscodePolicy, AscendingRun) {
  EXPECT_EQ(check("12345678"), PasscodeViolation::sequence);
  EXPECT_EQ(check("90123470"), PasscodeViolation::sequence);  // 0123 inside
  EXPECT_EQ(check("97056789"), PasscodeViolation::sequence);  // 6789 at the end
  EXPECT_EQ(check("89012345"), PasscodeViolation::sequence);  // 012345, after a broken 890
}

TEST(PasscodePolicy, DescendingRun) {
  EXPECT_EQ(check("98761234"), PasscodeViolation::sequence);
  EXPECT_EQ(check("13576543"), PasscodeViolation::sequence);
  EXPECT_EQ(check("13583210"), PasscodeViolation::sequence);
  EXPECT_EQ(check("13598765"), PasscodeViolation::sequence);
}

TEST(PasscodePolicy, SequenceIsCheckedBeforeRepeatedDigit) {
  // 1-1-1-1-1-2-3-4: five ones (a repeat violation) but also the run 1234, reported first.
  EXPECT_EQ(check("11111234"), PasscodeViolation::sequence);
}

TEST(PasscodePolicy, RepeatedDigit) {
  EXPECT_EQ(check("11111390"), PasscodeViolation::repeated_digit);  // five ones in a row
  EXPECT_EQ(check("15171811"), PasscodeViolation::repeated_digit);  // five ones, spread out
  EXPECT_EQ(check("00000000"), PasscodeViolation::repeated_digit);
  EXPECT_EQ(check("15171813"), PasscodeViolation::repeated_digit);  // four ones, spread out
  EXPECT_EQ(check("11112580"), PasscodeViolation::repeated_digit);  // four ones (domain.md)
  EXPECT_EQ(check("15171803"), std::nullopt);                       // three ones
}

// domain.md's own examples, on a 4-digit policy: 1234 (a run) and 1111 (four of one digit)
// are refused, each with its reason.
TEST(PasscodePolicy, TheSeedsExamplesAreRefusedWithTheirReason) {
  const PasscodePolicy four{.length = 4};
  EXPECT_EQ(PasscodePolicy{}.max_same_digit, 3u) << "the default refuses four of one digit";
  EXPECT_EQ(check("1234", four), PasscodeViolation::sequence);
  EXPECT_EQ(check("1111", four), PasscodeViolation::repeated_digit);
  EXPECT_EQ(check("1357", four), std::nullopt);
  EXPECT_EQ(check("1131", four), std::nullopt);
  EXPECT_NE(describe(PasscodeViolation::sequence).find("run of 4"), std::string_view::npos);
  EXPECT_NE(describe(PasscodeViolation::repeated_digit).find("1111"), std::string_view::npos);
}

TEST(PasscodePolicy, LimitsAreConfigurable) {
  const PasscodePolicy strict{.length = 8, .max_run = 2, .max_same_digit = 2};
  EXPECT_EQ(check("13572468", strict), std::nullopt);
  EXPECT_EQ(check("12312312", strict), PasscodeViolation::sequence);
  EXPECT_EQ(check("13135757", strict), std::nullopt);
  EXPECT_EQ(check("13131757", strict), PasscodeViolation::repeated_digit);
}

TEST(PasscodePolicy, CodesAndDescriptionsAreStableAndDistinct) {
  EXPECT_EQ(code(PasscodeViolation::mismatch), "passcode_mismatch");
  EXPECT_EQ(code(PasscodeViolation::not_digits), "passcode_not_digits");
  EXPECT_EQ(code(PasscodeViolation::wrong_length), "passcode_length");
  EXPECT_EQ(code(PasscodeViolation::sequence), "passcode_sequence");
  EXPECT_EQ(code(PasscodeViolation::repeated_digit), "passcode_repeated_digit");
  std::set<std::string_view> descriptions;
  for (auto v :
       {PasscodeViolation::mismatch, PasscodeViolation::not_digits, PasscodeViolation::wrong_length,
        PasscodeViolation::sequence, PasscodeViolation::repeated_digit}) {
    descriptions.insert(describe(v));
  }
  EXPECT_EQ(descriptions.size(), 5u);
}

}  // namespace
}  // namespace enroll
