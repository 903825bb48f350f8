#include "workflows/domain/laser_code.hpp"

#include <gtest/gtest.h>

namespace enroll {
namespace {

std::string compact_of(std::string_view text) {
  const auto parsed = LaserCode::parse(text);
  return std::holds_alternative<LaserCode>(parsed) ? std::get<LaserCode>(parsed).compact()
                                                   : std::string("<error>");
}

TEST(LaserCode, AcceptsDisplayAndCompactForms) {
  EXPECT_EQ(compact_of("JT0-1234567-89"), "JT0123456789");
  EXPECT_EQ(compact_of("JT0123456789"), "JT0123456789");
  EXPECT_EQ(compact_of("me1-0000000-01"), "ME1000000001");
  EXPECT_EQ(compact_of("jt0123456789"), "JT0123456789");
  EXPECT_EQ(compact_of("Jt0123456789"), "JT0123456789");
}

TEST(LaserCode, DisplayFormHasDashes) {
  EXPECT_EQ(std::get<LaserCode>(LaserCode::parse("jt0123456789")).display(), "JT0-1234567-89");
  EXPECT_EQ(std::get<LaserCode>(LaserCode::parse("AB9-8765432-10")).display(), "AB9-8765432-10");
}

TEST(LaserCode, RejectsEverythingElse) {
  for (const char* text :
       {"", "JT012345678", "JT01234567890", "J10123456789", "1T0123456789", "JTA123456789",
        "JT0-123456789", "JT01-234567-89", "JT0 1234567 89", "JT0-1234567-8", " JT0123456789",
        "JT0123456789 ", "JT0_1234567-89", "\xc3\x89T0123456789"}) {
    const auto parsed = LaserCode::parse(text);
    ASSERT_TRUE(std::holds_alternative<LaserCodeError>(parsed)) << text;
    EXPECT_EQ(std::get<LaserCodeError>(parsed), LaserCodeError::wrong_format);
  }
  EXPECT_FALSE(describe(LaserCodeError::wrong_format).empty());
}

}  // namespace
}  // namespace enroll
