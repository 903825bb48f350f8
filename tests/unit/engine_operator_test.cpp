// Operator actions in the pure engine: retry (a locked step, a step waiting on a connector),
// rewind to a named step (what was captured from there on is forgotten), cancel; each
// audited with the operator's id and reason, and refused where it makes no sense.
#include <gtest/gtest.h>

#include "tests/unit/engine_walk.hpp"

namespace enroll {
namespace {

using nlohmann::json;

class EngineOperatorTest : public testing::EngineWalk {
 protected:
  Outcome act(CommandType type, std::string reason, std::string to_step = "") {
    return feed(type, OperatorAction{"op-7", std::move(reason), std::move(to_step)});
  }
  static const AuditRecord* audit_of(const Outcome& o) {
    for (const auto& e : o.effects) {
      if (const auto* a = std::get_if<AuditRecord>(&e)) return a;
    }
    return nullptr;
  }
  static bool rejected(const Outcome& o) {
    const auto evs = events(o);
    return !evs.empty() && evs.front()->type() == EventType::command_rejected;
  }
  void lock_at_selfie() {
    walk_to("selfie");
    for (int i = 0; i < 3; ++i) {
      feed(CommandType::selfie_capture, ImageCapture{ImageRef("img://selfie")});
      result({{"liveness", 0.1}});
    }
    ASSERT_EQ(state_->status(), Status::locked);
  }
};

TEST_F(EngineOperatorTest, RetryUnlocksALockedStepWithItsTriesRenewed) {
  lock_at_selfie();
  const auto out = act(CommandType::operator_retry, "citizen called the hotline");
  EXPECT_EQ(state_->status(), Status::active);
  EXPECT_EQ(state_->step, "selfie");
  EXPECT_TRUE(state_->locked_step.empty());
  ASSERT_NE(awaiting(out), nullptr);
  EXPECT_EQ(awaiting(out)->data().at("attempts_left"), 3);
  EXPECT_EQ(awaiting(out)->data().at("reason").at("code"), "operator_retry");
  const auto* record = audit_of(out);
  ASSERT_NE(record, nullptr);
  // The operator side's principal and key, and the operator it names.
  EXPECT_EQ(record->actor.principal, "operator-http");
  EXPECT_EQ(record->actor.role, "operator");
  EXPECT_EQ(record->actor.key_id, "key-of-operator-http");
  EXPECT_EQ(record->actor.operator_id, "op-7");
  EXPECT_EQ(audit_to_json(*record, true).at("actor"),
            (nlohmann::json{{"principal", "operator-http"},
                            {"role", "operator"},
                            {"key_id", "key-of-operator-http"},
                            {"operator", "op-7"}}));
  EXPECT_EQ(record->outcome, "operator_retry: citizen called the hotline");
  EXPECT_EQ(record->from, "locked");
  // And the registration completes from there.
  walk_to("");
  EXPECT_EQ(state_->status(), Status::issued);
}

TEST_F(EngineOperatorTest, RetryResendsTheTaskOfAStepWaitingOnItsConnector) {
  walk_to("verify-card");
  const auto stale = *state_->pending_request;
  result({}, TaskStatus::retryable, "unavailable");
  ASSERT_EQ(state_->stage, StepState::retry_scheduled);
  const auto out = act(CommandType::operator_retry, "registry back");
  const auto* req = request(out);
  ASSERT_NE(req, nullptr);
  EXPECT_EQ(req->attempt, 1);
  EXPECT_NE(req->request_id, stale);
  EXPECT_EQ(state_->stage, StepState::awaiting_connector);
  result({{"code", 0}, {"card_status", "valid"}});
  EXPECT_EQ(state_->step, "selfie");
}

TEST_F(EngineOperatorTest, RewindToTheSelfieForgetsWhatCameAfterIt) {
  walk_to("confirm-consent");
  ASSERT_FALSE(state_->captured.passcode.verifier.empty());
  ASSERT_TRUE(state_->captured.face.score.has_value());
  const auto card = state_->captured.card_back;
  const auto out = act(CommandType::operator_rewind, "selfie of someone else", "selfie");
  EXPECT_EQ(state_->step, "selfie");
  EXPECT_EQ(state_->phase, RegistrationState::biometrics);
  EXPECT_TRUE(state_->captured.selfie.image_ref.empty());
  EXPECT_FALSE(state_->captured.selfie.liveness.has_value());
  EXPECT_FALSE(state_->captured.face.score.has_value());
  EXPECT_TRUE(state_->captured.passcode.verifier.empty());
  EXPECT_FALSE(state_->captured.confirmation.confirmed_at.has_value());
  EXPECT_EQ(state_->captured.card_back.laser_code, card.laser_code)
      << "the card, before the selfie, stays";
  EXPECT_TRUE(state_->captured.terms.accepted_at.has_value()) << "the terms, before it, stay";
  ASSERT_NE(awaiting(out), nullptr);
  EXPECT_EQ(awaiting(out)->data().at("step"), "selfie");
  EXPECT_EQ(audit_of(out)->outcome, "operator_rewind: selfie of someone else");
  // Recapture and complete.
  walk_to("");
  EXPECT_EQ(state_->status(), Status::issued);
}

TEST_F(EngineOperatorTest, RewindIsRefusedForwardOrToAnUnknownStep) {
  walk_to("selfie");
  const auto before = *state_;
  EXPECT_TRUE(rejected(act(CommandType::operator_rewind, "why", "confirm-consent")));
  EXPECT_TRUE(rejected(act(CommandType::operator_rewind, "why", "no-such-step")));
  EXPECT_EQ(state_->step, before.step);
  EXPECT_EQ(state_->state_version, before.state_version);
}

TEST_F(EngineOperatorTest, CancelEndsAnActiveOrLockedRegistrationAndNothingAfter) {
  lock_at_selfie();
  const auto out = act(CommandType::operator_cancel, "fraud suspected");
  EXPECT_EQ(state_->status(), Status::cancelled);
  EXPECT_EQ(reason_from_stored(state_->reason),
            (Reason{ReasonCode::operator_cancel, "fraud suspected"}));
  EXPECT_EQ(audit_of(out)->actor.operator_id, "op-7");
  // A terminal registration refuses every operator action.
  EXPECT_TRUE(rejected(act(CommandType::operator_retry, "again")));
  EXPECT_TRUE(rejected(act(CommandType::operator_rewind, "again", "selfie")));
  EXPECT_TRUE(rejected(act(CommandType::operator_cancel, "again")));
  EXPECT_EQ(state_->status(), Status::cancelled);
}

}  // namespace
}  // namespace enroll
