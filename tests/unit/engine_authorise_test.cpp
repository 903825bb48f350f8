// Who may send what (workflows/authorise.hpp), tried with the forgeries of issue 13: each is
// refused with not_authorised, audited, and changes nothing else; the genuine senders still
// get through.
#include <gtest/gtest.h>

#include "tests/unit/channel_engine.hpp"
#include "workflows/audit_chain.hpp"
#include "workflows/engine.hpp"
#include "workflows/reason.hpp"

namespace enroll {
namespace {

using nlohmann::json;
using testing::principal;

constexpr const char* kCitizen = "1101700203450";

class EngineAuthoriseTest : public testing::ChannelEngine {
 protected:
  // The result of the pending request, from `from` (none: the task's connector).
  Outcome answer(json outputs, std::optional<Principal> from = std::nullopt,
                 const std::string& reg = "reg-1") {
    return feed(reg, CommandType::task_result,
                pending_result(std::move(outputs), TaskStatus::ok, "", reg), std::move(from));
  }

  // `out` is a refusal of the principal `who`: one command.rejected not_authorised, one audit
  // record saying so, no task; the state as `before` but for the audit chain.
  void expect_refused(const Outcome& out, const Registration& before, const std::string& who,
                      const std::string& reg = "reg-1") {
    ASSERT_TRUE(out.state.has_value());
    std::vector<const EmitEvent*> events;
    std::vector<const AuditRecord*> audits;
    for (const auto& e : out.effects) {
      if (const auto* ev = std::get_if<EmitEvent>(&e)) events.push_back(ev);
      if (const auto* a = std::get_if<AuditRecord>(&e)) audits.push_back(a);
      EXPECT_FALSE(std::holds_alternative<RequestTask>(e)) << "a refusal asks for nothing";
    }
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0]->type(), EventType::command_rejected);
    const auto reason = events[0]->data().at("reason");
    EXPECT_EQ(reason.at("code"), "not_authorised");
    EXPECT_NE(reason.at("detail").get<std::string>().find(who), std::string::npos)
        << reason.at("detail");
    ASSERT_EQ(audits.size(), 1u);
    EXPECT_EQ(audits[0]->outcome.rfind("not_authorised: " + who, 0), 0u) << audits[0]->outcome;
    const auto name = who.substr(0, who.find(" ("));  // the audit names the principal
    EXPECT_EQ(audits[0]->actor.principal, name == "no principal" ? "" : name);
    auto expected = before;
    expected.audit_seq = state(reg).audit_seq;
    expected.audit_head = state(reg).audit_head;
    EXPECT_EQ(state_to_json(state(reg)), state_to_json(expected));
  }

  // passcode-reset up to the face match: the victim's registration awaits face.match.
  void reset_to_face_match() {
    feed(CommandType::registration_start,
         RegistrationStart{"passcode-reset", {"dev", "ios"}, kCitizen, std::nullopt});
    answer({{"enrolled", true}});
    answer({{"claimed", true}});
    feed(CommandType::selfie_capture, ImageCapture{ImageRef("img://s")});
    ASSERT_EQ(testing::awaited_task(state(), catalog_), "face.liveness");
    answer({{"liveness", 0.95}});
    ASSERT_EQ(state().step, "face-match");
    ASSERT_EQ(state().stage, StepState::awaiting_connector);
  }
  void start_officer(const std::string& reg = "reg-1", const std::string& officer = "officer-1") {
    feed(reg, CommandType::registration_start,
         RegistrationStart{
             "officer-assisted", {"dev", "android"}, kCitizen, Officer{officer, "c-7"}});
    answer({{"citizen_id", kCitizen},
            {"first_name", "A"},
            {"last_name", "B"},
            {"date_of_birth", "1990-05-17"},
            {"laser_code", "JT0-1234567-89"}},
           std::nullopt, reg);
    answer({{"code", 0}, {"card_status", "valid"}}, std::nullopt, reg);
    answer({{"claimed", true}}, std::nullopt, reg);
    feed(reg, CommandType::permissions_grant, PermissionsGrant{{"camera"}});
    feed(reg, CommandType::terms_accept, TermsAccept{"2024-06"});
    feed(reg, CommandType::citizen_id_enter, CitizenIdEnter{kCitizen});
    ASSERT_EQ(state(reg).step, "officer-review");
  }

  const Principal app_ =
      principal("channel-app", Role::channel, {"self-service", "passcode-reset"});
  const Principal capture_ =
      principal("capture", Role::connector, {}, {"face.liveness", "card.front.ocr"});
  const Principal registry_ = principal("registry", Role::connector, {}, {"face.match"});
  const Principal console_ = principal("console-office-1", Role::officer_console,
                                       {"officer-assisted"}, {"review.request", "qr.display"});
};

// The takeover of issue 13: the attacker's channel back-end answers the face match itself.
TEST_F(EngineAuthoriseTest, AChannelCannotAnswerATask) {
  reset_to_face_match();
  const auto before = state();
  const auto out = answer({{"score", 0.99}}, app_);
  expect_refused(out, before, "channel-app (channel) may not send task.result");
}

TEST_F(EngineAuthoriseTest, AConnectorCannotAnswerATaskItDoesNotHold) {
  reset_to_face_match();
  const auto before = state();
  const auto out = answer({{"score", 0.99}}, capture_);  // capture does no face.match
  expect_refused(out, before, "capture (connector)");
}

// The takeover's other half: a result naming another task than the step awaits chose the
// schema its outputs were read with.
TEST_F(EngineAuthoriseTest, AResultMustNameTheAwaitedTask) {
  reset_to_face_match();
  const auto before = state();
  auto r = pending_result({{"liveness", 0.99}});
  r.task = "face.liveness";
  const auto out = feed(CommandType::task_result, r, capture_);
  expect_refused(out, before, "capture (connector)");
  EXPECT_NE(std::get<EmitEvent>(out.effects.at(0))
                .data()
                .at("reason")
                .at("detail")
                .get<std::string>()
                .find("answers a request for face.match"),
            std::string::npos);
}

// Another registration's request id: a channel cannot send it at all; the connector that holds
// the task gets it ignored as late, which changes nothing either.
TEST_F(EngineAuthoriseTest, AResultForAnotherRegistrationsRequestChangesNothing) {
  reset_to_face_match();
  const auto other = *state().pending_request;
  feed("reg-2", CommandType::registration_start,
       RegistrationStart{"self-service", {"dev", "ios"}, std::nullopt, std::nullopt});
  feed("reg-2", CommandType::terms_accept, TermsAccept{"2024-06"});
  feed("reg-2", CommandType::card_front_capture, ImageCapture{ImageRef("img://f")});
  const auto before = state("reg-2");
  TaskResult r;
  r.request_id = other;
  r.task = "face.match";
  r.outputs = {{"score", 0.99}};
  expect_refused(feed("reg-2", CommandType::task_result, r, app_), before,
                 "channel-app (channel) may not send task.result", "reg-2");
  const auto seq = state("reg-2").audit_seq;
  const auto late = feed("reg-2", CommandType::task_result, r, registry_);
  for (const auto& e : late.effects) EXPECT_TRUE(std::holds_alternative<AuditRecord>(e));
  EXPECT_EQ(std::get<AuditRecord>(late.effects.at(0)).outcome.rfind("ignored_late_result", 0), 0u);
  EXPECT_EQ(state("reg-2").audit_seq, seq + 1);
  EXPECT_EQ(state("reg-2").step, "card-front");
  EXPECT_EQ(state("reg-2").pending_request, before.pending_request);
}

TEST_F(EngineAuthoriseTest, TheGenuineConnectorsFinishTheReset) {
  reset_to_face_match();
  answer({{"score", 0.9}}, registry_);
  EXPECT_EQ(state().step, "set-passcode");
}

TEST_F(EngineAuthoriseTest, AChannelCannotApproveItsOwnReview) {
  start_officer();
  const auto before = state();
  const auto out = answer({{"decision", "approve"}, {"officer_id", "officer-1"}},
                          principal("channel-oa", Role::channel, {"officer-assisted"}));
  expect_refused(out, before, "channel-oa (channel) may not send task.result");
}

TEST_F(EngineAuthoriseTest, AConnectorHoldingTheTaskCannotDecideTheReview) {
  start_officer();
  const auto before = state();
  const auto out = answer({{"decision", "approve"}, {"officer_id", "officer-1"}},
                          principal("officer-bridge", Role::connector, {}, {"review.request"}));
  expect_refused(out, before, "officer-bridge (connector)");
}

TEST_F(EngineAuthoriseTest, AnotherOfficerCannotDecideTheReviewNorTakeTheFingerprint) {
  start_officer("reg-1", "officer-1");
  const auto before = state();
  expect_refused(answer({{"decision", "approve"}, {"officer_id", "officer-9"}}, console_), before,
                 "console-office-1 (officer_console)");
  const auto unnamed = answer({{"decision", "approve"}}, console_);  // no officer named
  expect_refused(unnamed, before, "console-office-1 (officer_console)");
  answer({{"decision", "approve"}, {"officer_id", "officer-1"}}, console_);
  ASSERT_EQ(state().step, "fingerprint");
  const auto at_fingerprint = state();
  expect_refused(feed(CommandType::fingerprint_capture,
                      FingerprintCapture{"fp://1", "right-index", "officer-9"}, console_),
                 at_fingerprint, "console-office-1 (officer_console)");
  // Nor can the citizen's app send the counter's fingerprint.
  expect_refused(feed(CommandType::fingerprint_capture,
                      FingerprintCapture{"fp://1", "right-index", "officer-1"},
                      principal("channel-oa", Role::channel, {"officer-assisted"})),
                 at_fingerprint, "channel-oa (channel)");
  feed(CommandType::fingerprint_capture, FingerprintCapture{"fp://1", "right-index", "officer-1"},
       console_);
  EXPECT_EQ(state().stage, StepState::awaiting_connector);
}

// The audit names the console's principal and key and the officer who decided.
TEST_F(EngineAuthoriseTest, TheDecidingOfficerIsAudited) {
  start_officer();
  const auto out = answer({{"decision", "approve"}, {"officer_id", "officer-1"}}, console_);
  const AuditRecord* record = nullptr;
  for (const auto& e : out.effects) {
    if (const auto* a = std::get_if<AuditRecord>(&e)) record = a;
  }
  ASSERT_NE(record, nullptr);
  EXPECT_EQ(audit_to_json(*record, true).at("actor"), (json{{"principal", "console-office-1"},
                                                            {"role", "officer_console"},
                                                            {"key_id", "key-of-console-office-1"},
                                                            {"officer", "officer-1"}}));
}

// enrollctl audit verify counts the refusals on record per principal.
TEST_F(EngineAuthoriseTest, TheTrailCountsRefusalsPerPrincipal) {
  std::vector<json> trail;
  const auto keep = [&trail](const Outcome& out) {
    for (const auto& e : out.effects) {
      if (const auto* a = std::get_if<AuditRecord>(&e)) {
        trail.push_back(
            {{"id", "audit-" + std::to_string(trail.size())}, {"data", audit_to_json(*a, true)}});
      }
    }
  };
  keep(feed(CommandType::registration_start,
            RegistrationStart{"self-service", {"dev", "ios"}, std::nullopt, std::nullopt}));
  keep(feed(CommandType::timer, TimerFired{now_}, app_));
  keep(feed(CommandType::operator_cancel, OperatorAction{"nobody", "x", ""}, app_));
  keep(feed(CommandType::terms_accept, TermsAccept{"2024-06"}, Principal{}));
  keep(feed(CommandType::terms_accept, TermsAccept{"2024-06"}));
  const auto report = verify_trail(trail);
  EXPECT_TRUE(report.broken.empty());
  EXPECT_EQ(report.records, trail.size());
  EXPECT_EQ(report.refused,
            (std::map<std::string, std::size_t>{{"channel-app", 2}, {"(no principal)", 1}}));
}

TEST_F(EngineAuthoriseTest, AConsoleOfAnotherChannelCannotAct) {
  start_officer();
  const auto before = state();
  const auto elsewhere = principal("console-kiosk", Role::officer_console, {"kiosk"},
                                   {"review.request", "qr.display"});
  expect_refused(answer({{"decision", "approve"}, {"officer_id", "officer-1"}}, elsewhere), before,
                 "console-kiosk (officer_console)");
}

// A forged timer.fire ended a lock's cool-down at once: unlimited tries (here at the consent
// confirmation's passcode, locked for 15 minutes after 3 wrong ones).
TEST_F(EngineAuthoriseTest, AChannelCannotFireATimer) {
  reset_to_face_match();
  answer({{"score", 0.9}});
  feed(CommandType::passcode_set,
       PasscodeSet{SecretString("24681357"), SecretString("24681357"), "set-passcode"});
  for (int i = 0; i < 3; ++i) {
    feed(CommandType::consent_confirm, ConsentConfirm{SecretString("13572468"), "confirm-consent"});
  }
  ASSERT_EQ(state().status(), Status::locked);
  const auto before = state();
  now_ = *state().step_deadline;  // the cool-down is over: a genuine timer would unlock
  expect_refused(feed(CommandType::timer, TimerFired{now_}, app_), before,
                 "channel-app (channel) may not send timer.fire");
  EXPECT_EQ(state().status(), Status::locked);
  feed(CommandType::timer, TimerFired{now_});  // enrollmentd's own
  EXPECT_EQ(state().status(), Status::active);
}

TEST_F(EngineAuthoriseTest, AChannelCannotActAsAnOperator) {
  feed(CommandType::registration_start,
       RegistrationStart{"self-service", {"dev", "ios"}, std::nullopt, std::nullopt});
  const auto before = state();
  expect_refused(feed(CommandType::operator_cancel, OperatorAction{"nobody", "forged", ""}, app_),
                 before, "channel-app (channel) may not send operator.cancel");
  EXPECT_EQ(state().status(), Status::active);
  feed(CommandType::operator_cancel, OperatorAction{"op-7", "asked", ""});
  EXPECT_EQ(state().status(), Status::cancelled);
}

TEST_F(EngineAuthoriseTest, AChannelActsOnlyInItsChannels) {
  feed(CommandType::registration_start,
       RegistrationStart{"kiosk", {"kiosk-1", "kiosk"}, std::nullopt, std::nullopt});
  const auto before = state();
  expect_refused(feed(CommandType::terms_accept, TermsAccept{"2024-06"}, app_), before,
                 "channel-app (channel)");
  expect_refused(feed(CommandType::registration_cancel, RegistrationCancel{"x"}, app_), before,
                 "channel-app (channel)");
  // Nor does it start a registration elsewhere, or for an officer.
  auto out =
      feed("reg-2", CommandType::registration_start,
           RegistrationStart{"kiosk", {"kiosk-1", "kiosk"}, std::nullopt, std::nullopt}, app_);
  EXPECT_FALSE(out.state.has_value());
  ASSERT_EQ(out.effects.size(), 1u);
  EXPECT_EQ(std::get<EmitEvent>(out.effects[0]).data().at("reason").at("code"), "not_authorised");
  out = feed(
      "reg-3", CommandType::registration_start,
      RegistrationStart{"officer-assisted", {"dev", "ios"}, kCitizen, Officer{"officer-1", "c-1"}},
      principal("channel-oa", Role::channel, {"officer-assisted"}));
  EXPECT_FALSE(out.state.has_value());
}

TEST_F(EngineAuthoriseTest, APrincipalWithoutARoleIsRefused) {
  feed(CommandType::registration_start,
       RegistrationStart{"self-service", {"dev", "ios"}, std::nullopt, std::nullopt});
  const auto before = state();
  expect_refused(feed(CommandType::terms_accept, TermsAccept{"2024-06"}, Principal{}), before,
                 "no principal (none)");
}

// A refused message's id is not remembered: the genuine message with that id still counts.
TEST_F(EngineAuthoriseTest, ARefusedMessageDoesNotTakeItsId) {
  feed(CommandType::registration_start,
       RegistrationStart{"self-service", {"dev", "ios"}, std::nullopt, std::nullopt});
  Inbound in{EventId("same"),
             "/t",
             RegistrationId("reg-1"),
             CommandType::terms_accept,
             TermsAccept{"2024-06"},
             "",
             {}};
  in.principal = principal("channel-kiosk", Role::channel, {"kiosk"});
  auto out = apply(states_["reg-1"], in, now_, config_);
  states_["reg-1"] = out.state;
  in.principal = app_;
  out = apply(states_["reg-1"], in, now_, config_);
  EXPECT_FALSE(out.duplicate);
  EXPECT_EQ(out.state->step, "card-front");
}

// The shell computes no Argon2id ahead for a message the engine will refuse.
TEST_F(EngineAuthoriseTest, NoPasscodeWorkForARefusedSender) {
  reset_to_face_match();
  answer({{"score", 0.9}}, registry_);
  Inbound in{EventId("p"),
             "/t",
             RegistrationId("reg-1"),
             CommandType::passcode_set,
             PasscodeSet{SecretString("24681357"), SecretString("24681357"), "set-passcode"},
             "",
             {}};
  in.principal = app_;
  EXPECT_TRUE(passcode_work(state(), in, config_).has_value());
  in.principal = principal("channel-kiosk", Role::channel, {"kiosk"});
  EXPECT_FALSE(passcode_work(state(), in, config_).has_value());
}

}  // namespace
}  // namespace enroll
