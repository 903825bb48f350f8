#include "workflows/domain/citizen_id.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace enroll {
namespace {

// Worked by hand from check = (11 - sum mod 11) mod 10, weights 13..2:
//   1 2 3 4 5 6 7 8 9 0 1 2 -> 13+24+33+40+45+48+49+48+45+0+3+4 = 352; 352 mod 11 = 0;
//   (11 - 0) mod 10 = 1                                        -> 1234567890121
//   1 1 0 1 7 0 0 2 0 3 1 4 -> 13+12+0+10+63+0+0+12+0+12+3+8 = 133; 133 mod 11 = 1;
//   (11 - 1) mod 10 = 0                                        -> 1101700203140
//   3 1 0 0 6 0 0 1 2 3 4 5 -> 39+12+0+0+54+0+0+6+10+12+12+10 = 155; 155 mod 11 = 1;
//   (11 - 1) mod 10 = 0                                        -> 3100600123450
//   1 0 0 0 0 0 0 0 0 0 0 0 -> 13; 13 mod 11 = 2; (11 - 2) mod 10 = 9 -> 1000000000009
//   0 x 12                  -> 0; (11 - 0) mod 10 = 1          -> 0000000000001

TEST(CitizenIdCheckDigit, MatchesHandComputedValues) {
  EXPECT_EQ(citizen_id_check_digit("123456789012"), 1);
  EXPECT_EQ(citizen_id_check_digit("110170020314"), 0);
  EXPECT_EQ(citizen_id_check_digit("310060012345"), 0);
  EXPECT_EQ(citizen_id_check_digit("100000000000"), 9);
  EXPECT_EQ(citizen_id_check_digit("000000000000"), 1);
}

TEST(CitizenIdCheckDigit, RejectsInputThatIsNotTwelveDigits) {
  EXPECT_EQ(citizen_id_check_digit("12345678901"), -1);
  EXPECT_EQ(citizen_id_check_digit("1234567890123"), -1);
  EXPECT_EQ(citizen_id_check_digit("12345678901a"), -1);
}

TEST(MakeCitizenId, AppendsTheCheckDigit) {
  EXPECT_EQ(make_citizen_id("123456789012"), "1234567890121");
  EXPECT_EQ(make_citizen_id("110170020314"), "1101700203140");
  EXPECT_THROW(make_citizen_id("1234"), std::logic_error);
}

TEST(CitizenIdParse, AcceptsValidIdsWithAndWithoutSeparators) {
  for (const char* text : {"1234567890121", "1-2345-67890-12-1", "1 2345 67890 12 1",
                           "1101700203140", "3100600123450", "1000000000009", "0000000000001"}) {
    const auto parsed = CitizenId::parse(text);
    ASSERT_TRUE(std::holds_alternative<CitizenId>(parsed)) << text;
  }
  EXPECT_EQ(std::get<CitizenId>(CitizenId::parse("1-2345-67890-12-1")).digits(), "1234567890121");
}

TEST(CitizenIdParse, ReportsEachError) {
  const auto error = [](std::string_view text) {
    const auto parsed = CitizenId::parse(text);
    return std::holds_alternative<CitizenIdError>(parsed) ? std::get<CitizenIdError>(parsed)
                                                          : static_cast<CitizenIdError>(-1);
  };
  EXPECT_EQ(error(""), CitizenIdError::wrong_length);
  EXPECT_EQ(error("123456789012"), CitizenIdError::wrong_length);
  EXPECT_EQ(error("12345678901210"), CitizenIdError::wrong_length);
  EXPECT_EQ(error("1-2345-67890-12"), CitizenIdError::wrong_length);
  EXPECT_EQ(error("123456789012a"), CitizenIdError::not_digits);
  EXPECT_EQ(error("1.2345.67890.12.1"), CitizenIdError::not_digits);
  EXPECT_EQ(error("\xe0\xb9\x91"
                  "234567890121"),
            CitizenIdError::not_digits);  // Thai digit one
  EXPECT_EQ(error("1234567890122"), CitizenIdError::bad_check_digit);
  EXPECT_EQ(error("1101700203141"), CitizenIdError::bad_check_digit);
  // Two swapped digits are caught by the weighted sum.
  EXPECT_EQ(error("2134567890121"), CitizenIdError::bad_check_digit);
}

TEST(CitizenIdParse, EveryErrorHasADescription) {
  for (auto e : {CitizenIdError::wrong_length, CitizenIdError::not_digits,
                 CitizenIdError::bad_check_digit}) {
    EXPECT_FALSE(describe(e).empty());
  }
  EXPECT_NE(describe(CitizenIdError::wrong_length), describe(CitizenIdError::bad_check_digit));
}

TEST(CitizenId, MaskShowsOnlyFirstAndLastDigit) {
  EXPECT_EQ(std::get<CitizenId>(CitizenId::parse("1234567890121")).masked(), "1-xxxx-xxxxx-xx-1");
  EXPECT_EQ(std::get<CitizenId>(CitizenId::parse("1000000000009")).masked(), "1-xxxx-xxxxx-xx-9");
}

TEST(CitizenId, ComparesByDigits) {
  const auto a = std::get<CitizenId>(CitizenId::parse("1-2345-67890-12-1"));
  const auto b = std::get<CitizenId>(CitizenId::parse("1234567890121"));
  const auto c = std::get<CitizenId>(CitizenId::parse("3100600123450"));
  EXPECT_EQ(a, b);
  EXPECT_LT(a, c);
}

}  // namespace
}  // namespace enroll
