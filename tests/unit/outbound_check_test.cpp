// check_outbound (adapters/codec/outbound_check.hpp), the check the engine's random walk and
// the integration tests run over every emitted message: it accepts what the encoder writes and
// refuses a message whose envelope, data or task inputs break their schemas.
#include "adapters/codec/outbound_check.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "adapters/codec/envelope.hpp"
#include "adapters/codec/outbound_encoder.hpp"
#include "tests/unit/test_trust.hpp"

namespace enroll::codec {
namespace {

using nlohmann::json;

class OutboundCheckTest : public ::testing::Test {
 protected:
  // The message the encoder writes for one effect.
  [[nodiscard]] json encoded(Effect effect) const {
    const auto out = encoder_.encode(RegistrationId("reg-1"), EventId("ev-1"), 3, "", Timestamp{},
                                     {std::move(effect)});
    return json::parse(out.at(0).value);
  }
  [[nodiscard]] std::string check(const json& message) const {
    return check_outbound(schemas_, message.dump());
  }
  static EmitEvent awaiting() {
    return EmitEvent{events::Awaiting{RegistrationState::card,
                                      "card-front",
                                      {CommandType::card_front_capture},
                                      4,
                                      Reason{ReasonCode::blurry}}};
  }
  static RequestTask card_verify(json inputs) {
    return RequestTask{"registry", "card.verify", RequestId("reg-1/card-check/3.1"),
                       1,          Timestamp{},   std::move(inputs)};
  }

  SchemaSet schemas_;
  OutboundEncoder encoder_{Topics{}, "/enrollmentd", testing::test_signer("enrollmentd")};
};

TEST_F(OutboundCheckTest, WhatTheEncoderWritesPasses) {
  EXPECT_EQ(check(encoded(awaiting())), "");
  EXPECT_EQ(check(encoded(EmitEvent{
                events::Locked{Reason{ReasonCode::attempts_exhausted, "selfie: face_mismatch"},
                               RegistrationState::biometrics, "selfie", std::nullopt,
                               std::string("officer-assisted")}})),
            "");
  EXPECT_EQ(check(encoded(card_verify({{"citizen_id", "1101700203450"},
                                       {"first_name", "Somchai"},
                                       {"last_name", "Jaidee"},
                                       {"date_of_birth", "19900101"},
                                       {"laser_code", "JT0-1234567-89"}}))),
            "");
  const auto letter = encoder_.dead_letter({"enroll.inbox", 2, 7}, "reg-1", "{",
                                           DecodeError{Errc::not_json, "syntax"}, Timestamp{});
  EXPECT_EQ(check_outbound(schemas_, letter.value), "");
  // A message without a key, or with one no subject could hold: the dead letter's subject is
  // the inbox position, so it passes all the same.
  for (const std::string key : {"", "a key with spaces/and\xff bytes"}) {
    const auto keyless = encoder_.dead_letter(
        {"enroll.inbox", 2, 8}, key, "{", DecodeError{Errc::missing_key, "no key"}, Timestamp{});
    EXPECT_EQ(check_outbound(schemas_, keyless.value), "") << key;
    EXPECT_EQ(json::parse(keyless.value).at("subject"), "enroll.inbox:2:8");
    EXPECT_EQ(keyless.key, key);
  }
}

TEST_F(OutboundCheckTest, ADataMemberOfTheWrongTypeIsRefused) {
  auto m = encoded(awaiting());
  m["data"]["attempts_left"] = "four";
  EXPECT_EQ(check(m), "registration.awaiting data violates 'type' at #/attempts_left");
}

TEST_F(OutboundCheckTest, AnUnknownOrMissingDataMemberIsRefused) {
  auto extra = encoded(awaiting());
  extra["data"]["note"] = "x";
  EXPECT_EQ(check(extra), "registration.awaiting data violates 'additionalProperties' at #/note");
  auto missing = encoded(awaiting());
  missing["data"].erase("state_version");
  EXPECT_EQ(check(missing), "registration.awaiting data violates 'required' at #/");
}

TEST_F(OutboundCheckTest, ABadEnvelopeOrAnUnknownTypeIsRefused) {
  auto no_subject = encoded(awaiting());
  no_subject.erase("subject");
  EXPECT_EQ(check(no_subject), "envelope violates 'required' at #/");
  auto unknown = encoded(awaiting());
  unknown["type"] = "registration.paused";
  EXPECT_EQ(check(unknown), "no schema for type registration.paused");
  EXPECT_EQ(check_outbound(schemas_, "{"), "not JSON");
}

TEST_F(OutboundCheckTest, TaskInputsAreCheckedAgainstTheTasksSchema) {
  EXPECT_EQ(check(encoded(card_verify({{"citizen_id", "1101700203450"}}))),
            "card.verify inputs violates 'required' at #/inputs");
}

}  // namespace
}  // namespace enroll::codec
