// The HTTP API's operator actions, without servers: the body (400s; 403 for another operator), the
// early refusal (409 / 400), which must agree with the engine's own verdict on the same state, and
// the inbox message, which must pass the inbox's own decoding.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "adapters/codec/inbound_decoder.hpp"
#include "service/http/operator_api.hpp"
#include "tests/unit/engine_walk.hpp"
#include "tests/unit/test_trust.hpp"

namespace enroll::http {
namespace {

using nlohmann::json;

const trust::OperatorId kAnn("op-ann");  // the bearer token's operator

std::string bad_body(std::string_view body, CommandType action) {
  try {
    parse_operator_body(body, action, kAnn);
  } catch (const RequestError& e) {
    EXPECT_EQ(http_status(e.code()), 400);
    EXPECT_EQ(e.code(), Errc::bad_request);
    return e.what();
  }
  return "accepted";
}

TEST(OperatorBodyTest, TakesTheReasonAndForARewindTheStep) {
  const auto a =
      parse_operator_body(R"({"reason":"hotline call"})", CommandType::operator_retry, kAnn);
  EXPECT_EQ(a.operator_id, "op-ann");  // the token's
  EXPECT_EQ(a.reason, "hotline call");
  EXPECT_EQ(a.to_step, "");
  const auto r = parse_operator_body(R"({"reason":"r","to_step":"selfie"})",
                                     CommandType::operator_rewind, kAnn);
  EXPECT_EQ(r.operator_id, "op-ann");
  EXPECT_EQ(r.to_step, "selfie");
  // "operator" may be given: the token's own id.
  const auto named = parse_operator_body(R"({"operator":"op-ann","reason":"r"})",
                                         CommandType::operator_cancel, kAnn);
  EXPECT_EQ(named.operator_id, "op-ann");
}

// The body never decides who acts: naming anyone else than the token's operator is refused,
// 403, and the refusal does not echo the name.
TEST(OperatorBodyTest, RefusesABodyNamingAnotherOperator) {
  for (const std::string body :
       {R"({"operator":"op-bo","reason":"r"})", R"({"operator":"","reason":"r"})",
        R"({"operator":"OP-ANN","reason":"r"})", R"({"operator":"op-ann ","reason":"r"})",
        R"({"operator":"op-ann\u0000","reason":"r"})"}) {
    try {
      parse_operator_body(body, CommandType::operator_cancel, kAnn);
      ADD_FAILURE() << "accepted " << body;
    } catch (const RequestError& e) {
      EXPECT_EQ(e.code(), Errc::operator_mismatch) << body;
      EXPECT_EQ(http_status(e.code()), 403);
      EXPECT_EQ(std::string(e.what()).find("op-bo"), std::string::npos) << e.what();
    }
  }
}

TEST(OperatorBodyTest, RefusesWhatIsMissingWrongOrUnknown) {
  const auto retry = CommandType::operator_retry;
  EXPECT_EQ(bad_body("", retry), "the body must be a JSON object");
  EXPECT_EQ(bad_body("{\"reason\":", retry), "the body must be a JSON object");
  EXPECT_EQ(bad_body("[1]", retry), "the body must be a JSON object");
  EXPECT_EQ(bad_body(R"({})", retry), "the body needs \"reason\"");
  EXPECT_EQ(bad_body(R"({"operator":"op-ann"})", retry), "the body needs \"reason\"");
  EXPECT_EQ(bad_body(R"({"reason":""})", retry), "\"reason\" must not be empty");
  EXPECT_EQ(bad_body(R"({"operator":{"id":"op-ann"},"reason":"r"})", retry),
            "\"operator\" must be a string");
  EXPECT_EQ(bad_body(R"({"reason":"a\nb"})", retry), "\"reason\" must not hold control characters");
  EXPECT_EQ(bad_body(R"({"reason":")" + std::string(1001, 'x') + "\"}", retry),
            "\"reason\" is longer than 1000 bytes");
  EXPECT_EQ(bad_body(R"({"reason":"r","force":true})", retry), "unknown field \"force\"");
  EXPECT_EQ(bad_body(R"({"reason":"r","to_step":"selfie"})", retry),
            "unknown field \"to_step\" (only a rewind has one)");
  EXPECT_EQ(bad_body(R"({"reason":"r"})", CommandType::operator_rewind),
            "the body needs \"to_step\"");
}

TEST(OperatorEventTest, AnIdempotencyKeyNamesTheCommand) {
  const RegistrationId reg("reg-1");
  const auto retry = CommandType::operator_retry;
  const auto id = command_id_for(reg, retry, kAnn, "4f1c-attempt");
  EXPECT_EQ(id.size(), 3u + 32u);
  EXPECT_EQ(id.rfind("op/", 0), 0u);
  EXPECT_EQ(id, command_id_for(reg, retry, kAnn, "4f1c-attempt"));  // a repeat: the same command
  EXPECT_NE(id, command_id_for(reg, retry, kAnn, "4f1c-attempt2"));
  EXPECT_NE(id, command_id_for(RegistrationId("reg-2"), retry, kAnn, "4f1c-attempt"));
  EXPECT_NE(id, command_id_for(reg, CommandType::operator_cancel, kAnn, "4f1c-attempt"));
  // Another operator's action with the same key is another command, not a repeat of this one.
  EXPECT_NE(id, command_id_for(reg, retry, trust::OperatorId("op-bo"), "4f1c-attempt"));
  for (const std::string& bad : {std::string(129, 'k'), std::string("two words"),
                                 std::string("tab\t"), std::string("\xc3\xa9")}) {
    try {
      command_id_for(reg, retry, kAnn, bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const RequestError& e) {
      EXPECT_EQ(http_status(e.code()), 400);
      EXPECT_EQ(e.code(), Errc::bad_request);
    }
  }
  EXPECT_NO_THROW(command_id_for(reg, retry, kAnn, std::string(128, 'k')));
}

TEST(OperatorEventTest, IsACloudEventOfTheActionKeyedToTheRegistration) {
  const auto id = new_command_id();
  EXPECT_EQ(id.size(), 3u + 32u);
  EXPECT_EQ(id.rfind("op/", 0), 0u);
  EXPECT_NE(id, new_command_id());
  const auto e = operator_event(id, CommandType::operator_rewind, RegistrationId("reg-1"),
                                OperatorAction{"op-7", "why", "selfie"},
                                Timestamp{std::chrono::milliseconds(1'800'000'000'000)},
                                testing::test_signer("operator-api"));
  EXPECT_EQ(e.at("type"), "operator.rewind");
  EXPECT_EQ(e.at("id"), id);
  EXPECT_EQ(e.at("source"), "/enrollmentd/operator");
  EXPECT_EQ(e.at("subject"), "reg-1");
  EXPECT_EQ(e.at("data"),
            (json{{"operator", {{"id", "op-7"}}}, {"reason", "why"}, {"to_step", "selfie"}}));
  const auto c = operator_event(id, CommandType::operator_cancel, RegistrationId("reg-1"),
                                OperatorAction{"op-7", "why", ""}, Timestamp{},
                                testing::test_signer("operator-api"));
  EXPECT_FALSE(c.at("data").contains("to_step"));
  // What the inbox makes of them: the typed operator action, nothing dead-lettered.
  const codec::SchemaSet schemas;
  const crypto::SealKeyPair keys{};
  const codec::InboundDecoder decoder(schemas, keys, testing::test_verifier());
  EXPECT_EQ(e.at("keyid"), "operator-api-1");  // signed by the operator side
  for (const auto& event : {e, c}) {
    const auto decoded =
        decoder.decode(event.dump(), "reg-1", *from_rfc3339(event.at("time").get<std::string>()));
    const auto* in = std::get_if<Inbound>(&decoded);
    ASSERT_NE(in, nullptr) << std::get<codec::DecodeError>(decoded).message;
    const auto& action = std::get<OperatorAction>(in->payload);
    EXPECT_EQ(action.operator_id, "op-7");
    EXPECT_EQ(action.reason, "why");
    EXPECT_EQ(in->id.str(), id);
  }
  EXPECT_EQ(
      std::get<OperatorAction>(
          std::get<Inbound>(decoder.decode(e.dump(), "reg-1",
                                           Timestamp{std::chrono::milliseconds(1'800'000'000'000)}))
              .payload)
          .to_step,
      "selfie");
}

// The early refusal against the engine's verdict, on the engine's own states.
class OperatorRefusalTest : public enroll::testing::EngineWalk {
 protected:
  std::optional<Response> refusal(CommandType action, const std::string& to_step = "") {
    return refuse_operator_action(*state_, catalog_, action, OperatorAction{"op", "r", to_step});
  }
  // The engine refuses (command.rejected) on a copy of the state.
  bool engine_refuses(CommandType action, const std::string& to_step = "") {
    Inbound in;
    in.id = EventId("op-check-" + std::to_string(++seq_));
    in.source = "/enrollmentd/operator";
    in.subject = RegistrationId("reg-1");
    in.type = action;
    in.payload = OperatorAction{"op", "r", to_step};
    in.principal = enroll::testing::fitting_principal(in, &*state_, catalog_);
    const auto out = apply(state_, in, now_, config_);
    const auto evs = events(out);
    return !evs.empty() && evs.front()->type() == EventType::command_rejected;
  }
  // For every action and every step of the channel as target: the HTTP side refuses exactly
  // when the engine would, and says so with the right status.
  void expect_agreement(const std::string& where) {
    std::vector<std::pair<CommandType, std::string>> cases{{CommandType::operator_retry, ""},
                                                           {CommandType::operator_cancel, ""},
                                                           {CommandType::operator_rewind, "nope"}};
    for (const auto& step : catalog_.latest("self-service")->steps) {
      cases.emplace_back(CommandType::operator_rewind, step.name);
    }
    for (const auto& [action, to_step] : cases) {
      const auto refused = refusal(action, to_step);
      EXPECT_EQ(refused.has_value(), engine_refuses(action, to_step))
          << where << ": " << to_string(action) << " " << to_step;
      if (refused) {
        EXPECT_EQ(refused->status, to_step == "nope" ? 400 : 409) << where << " " << to_step;
      }
    }
  }
};

TEST_F(OperatorRefusalTest, AgreesWithTheEngineAlongTheWayLockedAndAfterTheEnd) {
  walk_to("accept-terms");
  expect_agreement("accept-terms");
  walk_to("selfie");
  expect_agreement("selfie");
  EXPECT_FALSE(refusal(CommandType::operator_rewind, "card-front").has_value());
  const auto forward = refusal(CommandType::operator_rewind, "set-passcode");
  ASSERT_TRUE(forward.has_value());
  EXPECT_EQ(json::parse(forward->body).at("error").at("code"), "rewind_forward");
  for (int i = 0; i < 3; ++i) {  // locked at the selfie
    feed(CommandType::selfie_capture, ImageCapture{ImageRef("img://selfie")});
    result({{"liveness", 0.1}});
  }
  ASSERT_EQ(state_->status(), Status::locked);
  expect_agreement("locked");
  EXPECT_FALSE(refusal(CommandType::operator_retry).has_value());
  feed(CommandType::operator_retry, OperatorAction{"op", "unlock", ""});
  walk_to("confirm-consent");
  expect_agreement("confirm-consent");
  walk_to("");
  ASSERT_EQ(state_->status(), Status::issued);
  expect_agreement("issued");
  const auto ended = refusal(CommandType::operator_cancel);
  ASSERT_TRUE(ended.has_value());
  EXPECT_EQ(json::parse(ended->body).at("error").at("code"), "registration_ended");
  const auto unknown = refusal(CommandType::operator_rewind, "nope");
  ASSERT_TRUE(unknown.has_value());
  EXPECT_EQ(json::parse(unknown->body).at("error").at("code"), "unknown_step");
}

TEST_F(OperatorRefusalTest, ARegistrationOfADefinitionNotLoadedIsRefused) {
  walk_to("selfie");
  state_->definition_version = 99;
  const auto r = refusal(CommandType::operator_retry);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 409);
  EXPECT_EQ(json::parse(r->body).at("error").at("code"), "definition_not_loaded");
}

// The filters' one grammar (registration_filter.hpp) and a bulk action's condition: a
// registration matches a filter exactly as the listing matches its meta, and an action sent
// for a query the registration has left is for 409 registration_moved.
TEST_F(OperatorRefusalTest, ABulkQueryIsTheListingsFilterAndMatchesTheState) {
  const auto names = filter_names(catalog_);
  EXPECT_EQ(names.channels, std::vector<std::string>{"self-service"});
  EXPECT_NE(std::find(names.steps.begin(), names.steps.end(), "selfie"), names.steps.end());
  const auto body = [](const std::string& query) {
    return json{{"reason", "r"}, {"query", query}}.dump();
  };
  const auto condition = [&](const std::string& query) {
    return parse_action_condition(body(query), names, now_).value();
  };
  const auto refused = [&](const std::string& query) {
    try {
      parse_action_condition(body(query), names, now_);
    } catch (const RequestError& e) {
      return std::string(wire_code(e.code())) + ": " + e.what();
    }
    return std::string("accepted");
  };
  EXPECT_FALSE(parse_action_condition(R"({"reason":"r"})", names, now_).has_value());
  EXPECT_EQ(parse_operator_body(body("status=locked"), CommandType::operator_retry, kAnn).reason,
            "r");  // the body may hold a query

  walk_to("selfie");
  EXPECT_TRUE(matches(*state_, condition("status=active&step=selfie&channel=self-service")));
  EXPECT_TRUE(matches(*state_, condition("phase=biometrics")));
  EXPECT_FALSE(matches(*state_, condition("status=locked&step=selfie")));
  EXPECT_FALSE(matches(*state_, condition("step=accept-terms")));
  // stuck_for: no change for longer than that (and active unless a status is given).
  EXPECT_TRUE(matches(*state_, parse_action_condition(body("stuck_for=1h"), names,
                                                      state_->updated_at + std::chrono::hours(2))
                                   .value()));
  EXPECT_FALSE(matches(*state_, condition("stuck_for=1h")));
  for (int i = 0; i < 3; ++i) {  // locked at the selfie
    feed(CommandType::selfie_capture, ImageCapture{ImageRef("img://selfie")});
    result({{"liveness", 0.1}});
  }
  ASSERT_EQ(state_->status(), Status::locked);
  EXPECT_TRUE(matches(*state_, condition("status=locked&step=selfie")));
  EXPECT_FALSE(matches(*state_, condition("status=active&step=selfie")));

  EXPECT_EQ(refused("colour=red"), "bad_request: unknown query parameter 'colour'");
  EXPECT_EQ(
      refused("step=nope"), "bad_filter: unknown step 'nope'; one of " + [&] {
        std::string all;
        for (const auto& s : names.steps) all += (all.empty() ? "" : ", ") + s;
        return all;
      }());
  EXPECT_EQ(refused("channel=kiosk"), "bad_filter: unknown channel 'kiosk'; one of self-service");
  EXPECT_EQ(refused("status=sleeping"), "bad_filter: unknown status 'sleeping'");
  EXPECT_EQ(refused("phase=issued-ish")
                .rfind("bad_filter: unknown phase 'issued-ish'; one of "
                       "consent, card,",
                       0),
            0u);
  EXPECT_EQ(refused("stuck_for=soon"),
            "bad_duration: stuck_for 'soon' is not a duration such as 90s, 15m, 2h, 1d");
  EXPECT_EQ(refused("step=selfie&step=selfie"), "bad_request: query parameter 'step' given twice");
  EXPECT_EQ(refused(std::string(1001, 'x')), "bad_request: \"query\" is longer than 1000 bytes");
}

}  // namespace
}  // namespace enroll::http
