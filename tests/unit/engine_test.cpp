// The pure engine on the self-service definition: no servers, an injected clock, one event
// at a time.
#include "workflows/engine.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "tests/unit/engine_walk.hpp"
#include "workflows/crypto/passcode_verifier.hpp"
#include "workflows/definition.hpp"

namespace enroll {
namespace {

using nlohmann::json;

class EngineTest : public testing::EngineWalk {};

TEST_F(EngineTest, HappyPathEndsIssued) {
  walk_to("issue");
  ASSERT_EQ(state_->step, "issue");
  const auto* req = state_->pending_request ? &*state_->pending_request : nullptr;
  ASSERT_NE(req, nullptr);
  const auto out = result({{"digital_id", "DID-1"}});
  EXPECT_EQ(state_->status(), Status::issued);
  EXPECT_EQ(state_->phase, RegistrationState::issued);
  EXPECT_EQ(events(out).back()->type(), EventType::issued);
  EXPECT_EQ(state_->captured.terms.terms_version, "2024-06");
  EXPECT_TRUE(state_->captured.confirmation.confirmed_at.has_value());
  EXPECT_TRUE(crypto::verify_passcode(state_->captured.passcode.verifier, SecretString("13572468"),
                                      &testing::test_peppers()));
  // Made with the current pepper (issue 15).
  EXPECT_EQ(crypto::pepper_of(state_->captured.passcode.verifier), "passcode_pepper-2");
}

TEST_F(EngineTest, CardVerifyGetsBuddhistEraDateAndCompactLaserCode) {
  walk_to("confirm-card-data");
  const auto out = feed(CommandType::card_data_confirm, CardDataConfirm{true});
  const auto* req = request(out);
  ASSERT_NE(req, nullptr);
  EXPECT_EQ(req->task, "card.verify");
  EXPECT_EQ(req->connector, "registry");
  EXPECT_EQ(req->inputs.at("date_of_birth"), "25330517");
  EXPECT_EQ(req->inputs.at("laser_code"), "JT0123456789");
  EXPECT_EQ(req->inputs.at("citizen_id"), "1101700203450");
}

TEST_F(EngineTest, BlurryFrontPhotoAsksForARetakeWithTheReason) {
  walk_to("card-front");
  feed(CommandType::card_front_capture, ImageCapture{ImageRef("img://front")});
  auto ocr = front_ocr_;
  ocr["sharpness"] = 0.2;
  const auto out = result(ocr);
  const auto* a = awaiting(out);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->data().at("step"), "card-front");
  EXPECT_EQ(a->data().at("reason").at("code"), "blurry");
  EXPECT_EQ(a->data().at("attempts_left"), 4);
}

TEST_F(EngineTest, OcrWithABadCheckDigitAsksForARetake) {
  walk_to("card-front");
  feed(CommandType::card_front_capture, ImageCapture{ImageRef("img://front")});
  auto ocr = front_ocr_;
  ocr["citizen_id"] = "1101700203452";
  const auto out = result(ocr);
  ASSERT_NE(awaiting(out), nullptr);
  EXPECT_EQ(awaiting(out)->data().at("reason").at("code"), "citizen_id_unreadable");
  EXPECT_FALSE(state_->citizen_id.has_value());
}

TEST_F(EngineTest, RevokedCardRejects) {
  walk_to("verify-card");
  const auto out = result({{"code", 0}, {"card_status", "revoked"}});
  EXPECT_EQ(state_->status(), Status::rejected);
  EXPECT_EQ(reason_from_stored(state_->reason).code, ReasonCode::card_revoked);
  EXPECT_EQ(events(out).back()->type(), EventType::rejected);
}

TEST_F(EngineTest, RegistryMismatchRejectsAndMissingFieldsAskForTheCardAgain) {
  walk_to("verify-card");
  result({{"code", 5}, {"card_status", "valid"}});
  EXPECT_EQ(state_->step, "card-front");
  EXPECT_EQ(state_->status(), Status::active);
  walk_to("verify-card");
  result({{"code", 4}, {"card_status", "valid"}});
  EXPECT_EQ(state_->status(), Status::rejected);
}

TEST_F(EngineTest, RetryableErrorBacksOffThenResendsThenBecomesAnIncident) {
  walk_to("verify-card");
  const auto first = *state_->pending_request;
  auto out = result({}, TaskStatus::retryable, "unavailable");
  EXPECT_EQ(request(out), nullptr) << "the retry waits for its backoff";
  ASSERT_EQ(events(out).size(), 1u);
  EXPECT_EQ(events(out)[0]->type(), EventType::step_failed);
  EXPECT_EQ(events(out)[0]->data().at("retryable"), true);
  EXPECT_EQ(state_->stage, StepState::retry_scheduled);
  // Full jitter over a 1 s initial backoff (self-service verify-card), then doubled.
  EXPECT_LE(*state_->step_deadline, now_ + std::chrono::milliseconds(1000));
  EXPECT_GE(*state_->step_deadline, now_);
  out = fire_timer();
  const auto* req = request(out);
  ASSERT_NE(req, nullptr);
  EXPECT_EQ(req->attempt, 2);
  EXPECT_NE(req->request_id, first);
  result({}, TaskStatus::retryable, "timeout");
  EXPECT_LE(*state_->step_deadline, now_ + std::chrono::milliseconds(2000));
  for (int attempt = 3; attempt <= 5; ++attempt) {
    fire_timer();
    ASSERT_EQ(state_->attempt, attempt);
    result({}, TaskStatus::failed, "unavailable");  // a failed status with a retryable code
  }
  EXPECT_EQ(state_->status(), Status::incident);
  EXPECT_EQ(reason_from_stored(state_->reason),
            (Reason{ReasonCode::task_failed, "card.verify: unavailable"}));
}

// A request id is a capability (issue 13): a MAC of registration, step, entry and attempt
// under enrollmentd's key, so a result for it cannot be made up; a guessed id of the old form
// (<registration>/<step>/<entry>.<attempt>) answers nothing.
TEST_F(EngineTest, RequestIdsAreUnguessableCapabilities) {
  walk_to("card-front");
  const auto out = feed(CommandType::card_front_capture, ImageCapture{ImageRef("img://front")});
  const auto* req = request(out);
  ASSERT_NE(req, nullptr);
  const auto id = req->request_id;
  EXPECT_EQ(id.str().size(), 22u);  // 128 bits, base64url without padding
  EXPECT_EQ(id.str().find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  const RegistrationId reg("reg-1");
  const int entries = state_->entries;
  EXPECT_EQ(id, task_request_id(config_, reg, "card-front", entries, 1));
  EXPECT_NE(id, task_request_id(config_, RegistrationId("reg-2"), "card-front", entries, 1));
  EXPECT_NE(id, task_request_id(config_, reg, "card-back", entries, 1));
  EXPECT_NE(id, task_request_id(config_, reg, "card-front", entries + 1, 1));
  EXPECT_NE(id, task_request_id(config_, reg, "card-front", entries, 2));
  auto other = config_;
  other.request_id_key = testing::test_key("request_id-2", 6);
  EXPECT_NE(id, task_request_id(other, reg, "card-front", entries, 1));

  TaskResult guessed;
  guessed.request_id = RequestId("reg-1/card-front/" + std::to_string(entries) + ".1");
  guessed.task = "card.front.ocr";
  guessed.outputs = front_ocr_;
  const auto ignored = feed(CommandType::task_result, guessed);
  EXPECT_TRUE(events(ignored).empty());
  EXPECT_EQ(state_->step, "card-front");
  EXPECT_EQ(state_->pending_request, id);
}

TEST_F(EngineTest, StepTimeoutRetriesLikeARetryableError) {
  walk_to("verify-card");
  const auto deadline = *state_->step_deadline;
  EXPECT_EQ(deadline, now_ + std::chrono::seconds(20));
  const auto out = fire_timer();
  ASSERT_FALSE(events(out).empty());
  EXPECT_EQ(events(out)[0]->type(), EventType::step_failed);
  EXPECT_EQ(events(out)[0]->data().at("error"), "timeout");
  EXPECT_EQ(state_->stage, StepState::retry_scheduled);
}

// The shell writes a due timer to the inbox and re-arms it whenever the state is stored
// again before that message is read back (a backlog), so the same timer message can arrive
// twice. Found on the 3-node Kafka cluster under load: the second copy, read once the retry's
// backoff was due too, acted again, and its events took the first copy's ids (effect ids are
// derived from the cause), so consumers deduplicating by id lost one (an audit chain gap).
// A timer that changed something is remembered like any command: its second copy is a
// duplicate.
TEST_F(EngineTest, TheSameTimerTwiceActsOnce) {
  walk_to("verify-card");
  Inbound timer;
  timer.id = EventId("timer/at-the-step-deadline");
  timer.source = "/test/timers";
  timer.subject = RegistrationId("reg-1");
  timer.type = CommandType::timer;
  timer.payload = TimerFired{};
  now_ = *state_->step_deadline - std::chrono::seconds(1);  // feed() adds a second
  const auto first = feed(timer);
  ASSERT_FALSE(events(first).empty());
  EXPECT_EQ(events(first)[0]->type(), EventType::step_failed);
  EXPECT_EQ(state_->stage, StepState::retry_scheduled);
  // The copy arrives after the retry's backoff (1 s) fell due as well.
  now_ = *state_->step_deadline + std::chrono::seconds(5);
  const auto second = feed(timer);
  EXPECT_TRUE(second.duplicate);
  EXPECT_TRUE(second.effects.empty());
  EXPECT_EQ(state_->stage, StepState::retry_scheduled) << "the backoff waits for its own timer";
  // The backoff's own timer (another id) sends the retry.
  const auto retry = fire_timer();
  ASSERT_NE(request(retry), nullptr);
  EXPECT_EQ(request(retry)->attempt, 2);
}

// A timer that found nothing due is not remembered: the shell fires it again later (the
// broker's clock may lag enrollmentd's) and that copy must act.
TEST_F(EngineTest, ATimerThatChangedNothingMayComeAgain) {
  walk_to("verify-card");
  Inbound timer;
  timer.id = EventId("timer/early");
  timer.source = "/test/timers";
  timer.subject = RegistrationId("reg-1");
  timer.type = CommandType::timer;
  timer.payload = TimerFired{};
  now_ = *state_->step_deadline - std::chrono::seconds(3);
  const auto early = feed(timer);
  EXPECT_FALSE(early.state.has_value());
  EXPECT_TRUE(early.effects.empty());
  now_ = *state_->step_deadline;
  const auto due = feed(timer);
  EXPECT_FALSE(due.duplicate);
  ASSERT_FALSE(events(due).empty());
  EXPECT_EQ(events(due)[0]->type(), EventType::step_failed);
}

TEST_F(EngineTest, RegistrationWithoutProgressExpires) {
  walk_to("selfie");
  const auto expires = state_->expires_at;
  EXPECT_EQ(expires, now_ + std::chrono::hours(24));
  const auto out = fire_timer();
  EXPECT_EQ(state_->status(), Status::expired);
  EXPECT_EQ(events(out).back()->type(), EventType::expired);
  ASSERT_NE(request(out), nullptr) << "the citizen claim is released";
  EXPECT_EQ(request(out)->task, "citizen.release");
  EXPECT_FALSE(state_->next_timer().has_value());
}

TEST_F(EngineTest, SelfiesExhaustedLockThenCoolDownUnlocks) {
  walk_to("selfie");
  for (int i = 0; i < 3; ++i) {
    feed(CommandType::selfie_capture, ImageCapture{ImageRef("img://selfie")});
    result({{"liveness", 0.1}});
  }
  EXPECT_EQ(state_->status(), Status::locked);
  EXPECT_EQ(state_->locked_step, "selfie");
  EXPECT_EQ(*state_->step_deadline, now_ + std::chrono::minutes(30));
  const auto rejected = feed(CommandType::selfie_capture, ImageCapture{ImageRef("img://x")});
  EXPECT_EQ(events(rejected).front()->type(), EventType::command_rejected);
  const auto out = fire_timer();
  EXPECT_EQ(state_->status(), Status::active);
  ASSERT_NE(awaiting(out), nullptr);
  EXPECT_EQ(awaiting(out)->data().at("step"), "selfie");
  EXPECT_EQ(awaiting(out)->data().at("attempts_left"), 3);
  EXPECT_EQ(awaiting(out)->data().at("reason").at("code"), "cool_down_over");
}

// Issue 15, item 5: each audit record names the inbound event's digest (given by the shell)
// and what decided the move: here a liveness score and its threshold, then a blurry card
// photo's sharpness and its minimum; never the citizen's ID.
TEST_F(EngineTest, AuditRecordsCarryTheDecisiveInputsAndTheInputDigest) {
  walk_to("selfie");
  feed(CommandType::selfie_capture, ImageCapture{ImageRef("img://selfie")});
  Inbound in;
  in.id = EventId("liveness-result");
  in.source = "/test";
  in.subject = RegistrationId(reg_id_);
  in.type = CommandType::task_result;
  TaskResult r;
  r.request_id = *state_->pending_request;
  r.task = testing::awaited_task(*state_, catalog_);
  r.outputs = {{"liveness", 0.1}};
  in.payload = r;
  in.input_sha256 = std::string(64, 'c');
  const auto out = feed(in);
  const AuditRecord* record = nullptr;
  for (const auto& e : out.effects) {
    if (const auto* a = std::get_if<AuditRecord>(&e)) record = a;
  }
  ASSERT_NE(record, nullptr);
  EXPECT_EQ(record->input_sha256, std::string(64, 'c'));
  EXPECT_EQ(record->inputs.at("event"), "task.result");
  EXPECT_EQ(record->inputs.at("task"), "face.liveness");
  EXPECT_EQ(record->inputs.at("status"), "ok");
  EXPECT_EQ(record->inputs.at("liveness"), 0.1);
  EXPECT_TRUE(record->inputs.at("min_score").is_number());
  EXPECT_GT(record->inputs.at("min_score").get<double>(), 0.1);
  const auto j = audit_to_json(*record, true);
  EXPECT_EQ(j.at("v"), 2);
  EXPECT_EQ(audit_hash(*record), record->hash) << "the inputs are part of what the hash covers";
  EXPECT_EQ(j.dump().find("1101700203450"), std::string::npos) << "no citizen ID on the record";
}

TEST_F(EngineTest, LateResultIsIgnoredButAudited) {
  walk_to("verify-card");
  const auto stale = *state_->pending_request;
  result({}, TaskStatus::retryable, "unavailable");
  const auto before = *state_;
  TaskResult late;
  late.request_id = stale;
  late.outputs = {{"code", 0}, {"card_status", "valid"}};
  const auto out = feed(CommandType::task_result, late);
  EXPECT_TRUE(events(out).empty());
  ASSERT_EQ(out.effects.size(), 1u);
  EXPECT_EQ(std::get<AuditRecord>(out.effects[0]).outcome.rfind("ignored_late_result", 0), 0u);
  EXPECT_EQ(state_->step, before.step);
  EXPECT_EQ(state_->state_version, before.state_version);
}

TEST_F(EngineTest, EachPasscodePolicyViolationAwaitsWithItsReason) {
  walk_to("set-passcode");
  const std::vector<std::pair<std::string, std::string>> cases{
      {"13572468/13572469", "passcode_mismatch"},
      {"1357246a/1357246a", "passcode_not_digits"},
      {"1357246/1357246", "passcode_length"},
      {"12345680/12345680", "passcode_sequence"},
      {"11112580/11112580", "passcode_repeated_digit"}};  // four ones: refused since v2
  for (const auto& [pair, code] : cases) {
    const auto slash = pair.find('/');
    const auto out = feed(CommandType::passcode_set,
                          PasscodeSet{SecretString(pair.substr(0, slash)),
                                      SecretString(pair.substr(slash + 1)), "set-passcode"});
    if (code != cases.back().second) {
      ASSERT_NE(awaiting(out), nullptr) << code;
      EXPECT_EQ(awaiting(out)->data().at("reason"),
                (json{{"code", "passcode_refused"}, {"detail", code}}));
    } else {  // the fifth failed try exhausts the step, naming the last reason
      EXPECT_EQ(state_->status(), Status::rejected);
      EXPECT_EQ(
          reason_from_stored(state_->reason),
          (Reason{ReasonCode::attempts_exhausted, "set-passcode: passcode_refused: " + code}));
    }
  }
  EXPECT_TRUE(state_->captured.passcode.verifier.empty());
}

// Issue 15: a passcode sealed for another step (the set-passcode box replayed at the consent, or
// the reverse) is not taken; the citizen is asked again.
TEST_F(EngineTest, APasscodeSealedForAnotherStepIsAskedAgain) {
  walk_to("set-passcode");
  auto out =
      feed(CommandType::passcode_set,
           PasscodeSet{SecretString("13572468"), SecretString("13572468"), "confirm-consent"});
  ASSERT_NE(awaiting(out), nullptr);
  EXPECT_EQ(awaiting(out)->data().at("reason"),
            (json{{"code", "sealed_passcode_misbound"}, {"detail", "confirm-consent"}}));
  EXPECT_TRUE(state_->captured.passcode.verifier.empty());
  walk_to("confirm-consent");
  out =
      feed(CommandType::consent_confirm, ConsentConfirm{SecretString("13572468"), "set-passcode"});
  ASSERT_NE(awaiting(out), nullptr);
  EXPECT_EQ(awaiting(out)->data().at("reason"),
            (json{{"code", "sealed_passcode_misbound"}, {"detail", "set-passcode"}}));
  EXPECT_FALSE(state_->consent.has_value());
}

// Consent as a record (issue 14): on the audit record of the confirming transition (so on
// enroll.audit), once, and in the registration's core (a tombstone keeps it).
TEST_F(EngineTest, ConsentRecordIsAuditedWhereItIsConfirmed) {
  walk_to("confirm-consent");
  EXPECT_FALSE(state_->consent.has_value());
  const auto accepted = state_->captured.terms.accepted_at;
  const auto out = feed(CommandType::consent_confirm,
                        ConsentConfirm{SecretString("13572468"), "confirm-consent"});
  ASSERT_TRUE(state_->consent.has_value());
  const ConsentRecord expected{"2024-06", accepted, now_, "e" + std::to_string(seq_), "passcode"};
  EXPECT_EQ(*state_->consent, expected);
  int with_consent = 0;
  for (const auto& e : out.effects) {
    const auto* a = std::get_if<AuditRecord>(&e);
    if (a == nullptr || !a->consent) continue;
    ++with_consent;
    EXPECT_EQ(*a->consent, expected);
    const auto j = audit_to_json(*a, true);
    EXPECT_EQ(j.at("consent").at("terms_version"), "2024-06");
    EXPECT_EQ(j.at("consent").at("method"), "passcode");
    EXPECT_EQ(j.at("consent").at("confirmed_by"), expected.confirmed_by);
    EXPECT_EQ(audit_hash(*a), a->hash) << "the consent is part of what the hash covers";
  }
  EXPECT_EQ(with_consent, 1);
  // The records after it carry none.
  walk_to("");
  EXPECT_EQ(state_->status(), Status::issued);
  EXPECT_EQ(*state_->consent, expected);
}

TEST_F(EngineTest, WrongPasscodeAtConsentConfirmAsksAgainThenLocks) {
  walk_to("confirm-consent");
  auto out = feed(CommandType::consent_confirm,
                  ConsentConfirm{SecretString("24681357"), "confirm-consent"});
  ASSERT_NE(awaiting(out), nullptr);
  EXPECT_EQ(awaiting(out)->data().at("reason").at("code"), "passcode_incorrect");
  feed(CommandType::consent_confirm, ConsentConfirm{SecretString("24681357"), "confirm-consent"});
  out = feed(CommandType::consent_confirm,
             ConsentConfirm{SecretString("24681357"), "confirm-consent"});
  EXPECT_EQ(state_->status(), Status::locked);
  EXPECT_EQ(events(out).back()->type(), EventType::locked);
}

TEST_F(EngineTest, DuplicateEventChangesNothing) {
  walk_to("card-front");
  Inbound in;
  in.id = EventId("dup");
  in.subject = RegistrationId("reg-1");
  in.type = CommandType::card_front_capture;
  in.payload = ImageCapture{ImageRef("img://front")};
  const auto first = feed(in);
  EXPECT_FALSE(first.duplicate);
  const auto version = state_->state_version;
  const auto again = feed(in);
  EXPECT_TRUE(again.duplicate);
  EXPECT_TRUE(again.effects.empty());
  EXPECT_EQ(state_->state_version, version);
}

TEST_F(EngineTest, OutOfOrderCommandIsRejectedAndStateUnchanged) {
  walk_to("accept-terms");
  const auto before = *state_;
  const auto out = feed(CommandType::selfie_capture, ImageCapture{ImageRef("img://selfie")});
  ASSERT_EQ(events(out).size(), 1u);
  EXPECT_EQ(events(out)[0]->type(), EventType::command_rejected);
  EXPECT_EQ(state_->step, before.step);
  EXPECT_EQ(state_->state_version, before.state_version);
  EXPECT_EQ(state_->audit_seq, before.audit_seq + 1);
}

TEST_F(EngineTest, SameInputsGiveTheSameOutputs) {
  walk_to("confirm-consent");
  const auto confirm = [this] {
    Inbound in{EventId("x"),
               "/t",
               RegistrationId("reg-1"),
               CommandType::consent_confirm,
               ConsentConfirm{SecretString("13572468"), "confirm-consent"},
               "",
               {}};
    testing::give_fitting_principal(in, &*state_, catalog_);
    return in;
  };
  const auto a = apply(state_, confirm(), now_, config_);
  const auto b = apply(state_, confirm(), now_, config_);
  ASSERT_TRUE(a.state && b.state);
  EXPECT_EQ(state_to_json(*a.state), state_to_json(*b.state));
  ASSERT_EQ(a.effects.size(), b.effects.size());
}

TEST_F(EngineTest, StateSurvivesItsJsonForm) {
  walk_to("selfie");
  const auto round = state_from_json(state_to_json(*state_));
  EXPECT_EQ(state_to_json(round), state_to_json(*state_));
}

}  // namespace
}  // namespace enroll

namespace enroll {
namespace {

TEST_F(EngineTest, ReenteringAStepSendsANewRequestId) {
  walk_to("card-front");
  feed(CommandType::card_front_capture, ImageCapture{ImageRef("img://front")});
  const auto first_front = *state_->pending_request;
  const auto first_out = result(front_ocr_);
  const auto* first = request(first_out);
  ASSERT_NE(first, nullptr);
  const auto first_claim = first->request_id;
  walk_to("confirm-card-data");
  feed(CommandType::card_data_confirm, CardDataConfirm{false});  // back to the front photo
  ASSERT_EQ(state_->step, "card-front");
  feed(CommandType::card_front_capture, ImageCapture{ImageRef("img://front2")});
  const auto front = *state_->pending_request;
  const auto out = result(front_ocr_);
  const auto* claim = request(out);
  ASSERT_NE(claim, nullptr);
  EXPECT_EQ(claim->task, "citizen.claim");
  // Each entry of a step has ids of its own: a connector's result id derived from the request
  // id must not look like a repeat.
  EXPECT_NE(claim->request_id, first_claim);
  EXPECT_NE(front, first_front);
  EXPECT_EQ(claim->request_id,
            task_request_id(config_, RegistrationId("reg-1"), "claim-citizen", state_->entries, 1));
}

}  // namespace
}  // namespace enroll
