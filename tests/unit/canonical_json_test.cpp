#include "workflows/crypto/canonical_json.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <limits>
#include <string>

namespace enroll::crypto {
namespace {

using json = nlohmann::json;

std::string number(std::uint64_t ieee_bits) {
  return canonical_json(json(std::bit_cast<double>(ieee_bits)));
}

// RFC 8785 Appendix B, every finite sample (IEEE 754 bits -> the JCS form).
TEST(CanonicalJsonTest, AppendixBNumbers) {
  EXPECT_EQ(number(0x0000000000000000), "0");
  EXPECT_EQ(number(0x8000000000000000), "0");  // minus zero
  EXPECT_EQ(number(0x0000000000000001), "5e-324");
  EXPECT_EQ(number(0x8000000000000001), "-5e-324");
  EXPECT_EQ(number(0x7fefffffffffffff), "1.7976931348623157e+308");
  EXPECT_EQ(number(0xffefffffffffffff), "-1.7976931348623157e+308");
  EXPECT_EQ(number(0x4340000000000000), "9007199254740992");
  EXPECT_EQ(number(0xc340000000000000), "-9007199254740992");
  EXPECT_EQ(number(0x4430000000000000), "295147905179352830000");
  EXPECT_EQ(number(0x44b52d02c7e14af5), "9.999999999999997e+22");
  EXPECT_EQ(number(0x44b52d02c7e14af6), "1e+23");
  EXPECT_EQ(number(0x44b52d02c7e14af7), "1.0000000000000001e+23");
  EXPECT_EQ(number(0x444b1ae4d6e2ef4e), "999999999999999700000");
  EXPECT_EQ(number(0x444b1ae4d6e2ef4f), "999999999999999900000");
  EXPECT_EQ(number(0x444b1ae4d6e2ef50), "1e+21");
  EXPECT_EQ(number(0x3eb0c6f7a0b5ed8c), "9.999999999999997e-7");
  EXPECT_EQ(number(0x3eb0c6f7a0b5ed8d), "0.000001");
  EXPECT_EQ(number(0x41b3de4355555553), "333333333.3333332");
  EXPECT_EQ(number(0x41b3de4355555554), "333333333.33333325");
  EXPECT_EQ(number(0x41b3de4355555555), "333333333.3333333");
  EXPECT_EQ(number(0x41b3de4355555556), "333333333.3333334");
  EXPECT_EQ(number(0x41b3de4355555557), "333333333.33333343");
  EXPECT_EQ(number(0xbecbf647612f3696), "-0.0000033333333333333333");
  EXPECT_EQ(number(0x43143ff3c1cb0959), "1424953923781206.2");  // round to even
}

// Appendix B's NaN and Infinity, which RFC 8785 says must be refused.
TEST(CanonicalJsonTest, RefusesNaNAndInfinity) {
  EXPECT_THROW((void)number(0x7fffffffffffffff), CanonicalJsonError);
  EXPECT_THROW((void)number(0x7ff0000000000000), CanonicalJsonError);
  EXPECT_THROW((void)canonical_json(json{{"a", -std::numeric_limits<double>::infinity()}}),
               CanonicalJsonError);
  try {
    (void)number(0x7fffffffffffffff);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::invalid_data);
  }
}

TEST(CanonicalJsonTest, IntegersAsThemselvesUpTo2To53) {
  EXPECT_EQ(canonical_json(json(0)), "0");
  EXPECT_EQ(canonical_json(json(-17)), "-17");
  EXPECT_EQ(canonical_json(json(std::uint64_t{9007199254740992})), "9007199254740992");
  EXPECT_EQ(canonical_json(json(std::int64_t{-9007199254740992})), "-9007199254740992");
  EXPECT_EQ(canonical_json(json::parse("1.0")), "1");  // a double holding an integer
  EXPECT_EQ(canonical_json(json::parse("4.50")), "4.5");
  // Beyond 2^53 a double has no exact form: two integers would share one.
  EXPECT_THROW((void)canonical_json(json(std::int64_t{9007199254740993})), CanonicalJsonError);
  EXPECT_THROW((void)canonical_json(json(std::uint64_t{18446744073709551615U})),
               CanonicalJsonError);
  EXPECT_THROW((void)canonical_json(json(std::numeric_limits<std::int64_t>::min())),
               CanonicalJsonError);
}

// RFC 8785 3.2.2's example: numbers, the string escapes, the literals and the member order.
TEST(CanonicalJsonTest, Rfc8785Example) {
  const auto input = json::parse(R"({
    "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
    "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
    "literals": [null, true, false]
  })");
  EXPECT_EQ(canonical_json(input),
            "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
            "\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
}

// RFC 8785 3.2.3's example: members sorted by UTF-16 code units (the emoji's surrogates come
// before U+FB33, unlike in UTF-8's byte order).
TEST(CanonicalJsonTest, Rfc8785SortingExample) {
  const auto input = json::parse(R"({
    "\u20ac": "Euro Sign",
    "\r": "Carriage Return",
    "\ufb33": "Hebrew Letter Dalet With Dagesh",
    "1": "One",
    "\ud83d\ude00": "Emoji: Grinning Face",
    "\u0080": "Control",
    "\u00f6": "Latin Small Letter O With Diaeresis"
  })");
  const std::string expected =
      std::string("{") + "\"\\r\":\"Carriage Return\"," + "\"1\":\"One\"," +
      "\"\u0080\":\"Control\"," + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\"," +
      "\"\u20ac\":\"Euro Sign\"," + "\"\U0001F600\":\"Emoji: Grinning Face\"," +
      "\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}";
  EXPECT_EQ(canonical_json(input), expected);
}

TEST(CanonicalJsonTest, StringEscapes) {
  std::string all_controls;
  for (int c = 0; c < 0x20; ++c) all_controls.push_back(static_cast<char>(c));
  EXPECT_EQ(canonical_json(json(all_controls)),
            "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r"
            "\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019"
            "\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\"");
  // `/`, DEL and everything from U+0080 on are written as they are.
  EXPECT_EQ(canonical_json(json("/\x7f\u00e9\U0001F600")), "\"/\x7f\u00e9\U0001F600\"");
  EXPECT_EQ(canonical_json(json("\"\\")), "\"\\\"\\\\\"");
}

TEST(CanonicalJsonTest, RefusesInvalidUtf8) {
  EXPECT_THROW((void)canonical_json(json(std::string("\xff"))), CanonicalJsonError);
  EXPECT_THROW((void)canonical_json(json(std::string("\xc0\xaf"))),
               CanonicalJsonError);  // overlong
  EXPECT_THROW((void)canonical_json(json(std::string("\xed\xa0\x80"))),
               CanonicalJsonError);  // surrogate
  EXPECT_THROW((void)canonical_json(json(std::string("\xe2\x82"))),
               CanonicalJsonError);  // cut short
  EXPECT_THROW((void)canonical_json(json{{std::string("k\xff"), 1}}), CanonicalJsonError);
}

TEST(CanonicalJsonTest, OmitsOnlyTheNamedTopLevelMember) {
  const json event{{"signature", "x"}, {"id", "1"}, {"data", {{"signature", "kept"}}}};
  EXPECT_EQ(canonical_json(event, "signature"), R"({"data":{"signature":"kept"},"id":"1"})");
  EXPECT_EQ(canonical_json(event), R"({"data":{"signature":"kept"},"id":"1","signature":"x"})");
}

TEST(CanonicalJsonTest, NestingAndEmptyContainers) {
  EXPECT_EQ(canonical_json(json::parse(R"({"b":[],"a":{},"c":[{"z":1,"y":[2,{}]}]})")),
            R"({"a":{},"b":[],"c":[{"y":[2,{}],"z":1}]})");
  json deep = json::array();
  for (int i = 0; i < 100; ++i) deep = json::array({deep});
  EXPECT_THROW((void)canonical_json(deep), CanonicalJsonError);
}

}  // namespace
}  // namespace enroll::crypto
