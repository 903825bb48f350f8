// The inbox's canonical form, written from RapidJSON's document (canonical_event), against
// crypto::canonical_json over nlohmann's reading of the same text: the signature a producer
// made over the one must verify over the other, byte for byte, with and without the omitted
// member wherever it stands; and what one refuses, the other refuses.
#include "adapters/codec/canonical_event.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "adapters/codec/bounded_json.hpp"
#include "workflows/crypto/canonical_json.hpp"

namespace enroll::codec {
namespace {

// Both forms of `text` agree (whole, and without `signature`); the whole form is returned.
std::string both(const std::string& text) {
  rapidjson::Document doc;
  const auto refused = parse_bounded(text, doc);
  EXPECT_FALSE(refused) << text << ": " << (refused ? refused->message : "");
  if (refused) return {};
  const auto parsed = nlohmann::json::parse(text);
  const auto ours = canonical_event(doc, "signature");
  EXPECT_EQ(ours.whole, crypto::canonical_json(parsed)) << text;
  EXPECT_EQ(ours.unsigned_form, crypto::canonical_json(parsed, "signature")) << text;
  return ours.whole;
}

TEST(CanonicalEventTest, TheSameBytesAsCanonicalJson) {
  const std::vector<std::string> texts{
      R"({"b":1,"a":2,"signature":"s","c":[3,2,{"z":null,"y":true,"x":false}]})",
      R"({"signature":"s","a":1})",
      R"({"z":1,"signature":"s","t":[2]})",  // sorted first, with members after it
      R"({"a":1,"signature":"s"})",
      R"({"signature":"s"})",
      R"({"a":{"signature":"nested, kept"},"b":"x"})",
      R"({})",
      R"([])",
      R"([1,"two",{"signature":"not at the top"}])",
      R"("just a string")",
      R"(-0)",
      R"(-0.0)",
      R"(1E2)",
      R"(1.0)",
      R"(0.30000000000000004)",
      R"(123456789.12345679)",
      R"(5e-324)",
      R"(-9007199254740992)",
      R"(9007199254740992)",
      R"(1e18)",
      R"(0.000001)",
      R"(1.5e-7)",
      R"({"esc":"\u0001\u001f\"\\\/\b\f\n\r\t\u007f\u00e9\ud83d\ude00"})",
      // Names sorted by UTF-16 code units: U+E000 and above after a supplementary-plane name.
      R"({"\ue000":1,"\ud83d\ude00":2,"a":3,"\u00e9":4,"signature":"s"})",
      R"({"€":1,"\r":2,"1":3,"\u0080":4,"ö":5,"日本":6,"":7})",
  };
  for (const auto& t : texts) both(t);
  EXPECT_EQ(both(R"({"b":1,"signature":"s","a":2})"), R"({"a":2,"b":1,"signature":"s"})");
}

TEST(CanonicalEventTest, RefusesWhatCanonicalJsonRefuses) {
  for (const std::string text :
       {R"({"n":9007199254740993})", R"({"n":-9007199254740993})", R"([4611686018427387904])"}) {
    rapidjson::Document doc;
    ASSERT_FALSE(parse_bounded(text, doc)) << text;
    EXPECT_THROW((void)canonical_event(doc, "signature"), crypto::CanonicalJsonError) << text;
    EXPECT_THROW((void)crypto::canonical_json(nlohmann::json::parse(text)),
                 crypto::CanonicalJsonError)
        << text;
  }
}

}  // namespace
}  // namespace enroll::codec
