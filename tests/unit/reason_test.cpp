// Typed reasons (workflows/reason.hpp): one wire name per code, the stored form reads back to
// the same reason, and every event schema that carries a reason lists exactly these codes.
#include "workflows/reason.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "adapters/codec/embedded_schemas.hpp"

namespace enroll {
namespace {

std::set<std::string> all_names() {
  std::set<std::string> names;
  for (int i = 0; i <= static_cast<int>(kLastReasonCode); ++i) {
    const auto code = static_cast<ReasonCode>(i);
    EXPECT_TRUE(names.insert(std::string(to_string(code))).second) << to_string(code);
    EXPECT_EQ(reason_code_from_string(to_string(code)), code);
  }
  return names;
}

TEST(ReasonTest, EveryCodeHasItsOwnWireName) {
  EXPECT_EQ(all_names().size(), static_cast<std::size_t>(kLastReasonCode) + 1);
  EXPECT_FALSE(reason_code_from_string("no_such_reason").has_value());
}

TEST(ReasonTest, TheWireFormIsCodeAndDetail) {
  const nlohmann::json j = Reason{ReasonCode::officer_rejected, "photo does not match"};
  EXPECT_EQ(j, (nlohmann::json{{"code", "officer_rejected"}, {"detail", "photo does not match"}}));
  EXPECT_EQ(nlohmann::json(Reason{ReasonCode::blurry}),
            (nlohmann::json{{"code", "blurry"}, {"detail", ""}}));
}

TEST(ReasonTest, TheStoredFormReadsBack) {
  for (const Reason& r : {Reason{ReasonCode::blurry}, Reason{ReasonCode::card_revoked},
                          Reason{ReasonCode::citizen_id_invalid, "a citizen ID has: 13 digits"},
                          Reason{ReasonCode::attempts_exhausted, "selfie: liveness_too_low"}}) {
    EXPECT_EQ(reason_from_stored(stored(r)), r) << stored(r);
  }
  EXPECT_EQ(stored(Reason{ReasonCode::officer_rejected, "checked"}), "officer_rejected: checked");
  // A state stored before reasons were typed: its text, whole, as an `other` reason.
  EXPECT_EQ(reason_from_stored("selfie_attempts_exhausted: liveness_too_low"),
            (Reason{ReasonCode::other, "selfie_attempts_exhausted: liveness_too_low"}));
  EXPECT_EQ(stored(Reason{ReasonCode::other, "as it was"}), "as it was");
  EXPECT_EQ(reason_json(""), nullptr);
  EXPECT_EQ(reason_json("qr_expired")["code"], "qr_expired");
  EXPECT_EQ(reason_text(reason_json("officer_rejected: checked")), "officer_rejected: checked");
  EXPECT_EQ(reason_text(nlohmann::json()), "");
  EXPECT_EQ(reason_text("blurry"), "");  // not a reason object
}

TEST(ReasonTest, EventSchemasListTheCodes) {
  const auto names = all_names();
  int schemas = 0;
  for (const auto& [path, text] : codec::embedded_schemas()) {
    if (path.rfind("events/", 0) != 0) continue;
    const auto schema = nlohmann::json::parse(text);
    if (!schema["properties"].contains("reason")) continue;
    ++schemas;
    const auto& code = schema["properties"]["reason"]["properties"]["code"];
    EXPECT_EQ(code["enum"].get<std::set<std::string>>(), names) << path;
  }
  // command.rejected, registration.awaiting/rejected/expired/cancelled/locked/incident
  EXPECT_EQ(schemas, 7);
}

}  // namespace
}  // namespace enroll
