// Incidents (issue 14): a task's retries run out on an error that may go away (a registry
// outage) and the registration waits, parked at its step, for an operator; no timer, no
// expiry meanwhile; an operator's retry or rewind resumes it, a cancel ends it. A definition
// may still say reject (v1 does, as it always did). Backoffs get deterministic full jitter.
#include <gtest/gtest.h>

#include <set>

#include "tests/unit/engine_walk.hpp"
#include "workflows/state.hpp"

namespace enroll {
namespace {

using nlohmann::json;

class EngineIncidentTest : public testing::EngineWalk {
 protected:
  // Walks to verify-card and lets the registry fail every attempt (5 in self-service).
  Outcome outage_at_verify_card() {
    walk_to("verify-card");
    Outcome last = result({}, TaskStatus::retryable, "unavailable");
    while (state_->stage == StepState::retry_scheduled) {
      fire_timer();
      last = result({}, TaskStatus::retryable, "unavailable");
    }
    return last;
  }
  Outcome act(CommandType type, std::string reason, std::string to_step = "") {
    return feed(type, OperatorAction{"op-7", std::move(reason), std::move(to_step)});
  }
  static const AuditRecord* audit_of(const Outcome& o) {
    for (const auto& e : o.effects) {
      if (const auto* a = std::get_if<AuditRecord>(&e)) return a;
    }
    return nullptr;
  }
  static const EmitEvent* event_of(const Outcome& o, EventType type) {
    for (const auto* e : events(o)) {
      if (e->type() == type) return e;
    }
    return nullptr;
  }
};

TEST_F(EngineIncidentTest, ExhaustedRetriesParkTheRegistrationInsteadOfRejectingIt) {
  const auto out = outage_at_verify_card();
  EXPECT_EQ(state_->status(), Status::incident);
  EXPECT_EQ(state_->position.held_in, RegistrationState::review);
  EXPECT_EQ(state_->step, "verify-card");
  ASSERT_TRUE(state_->incident.has_value());
  EXPECT_EQ(state_->incident->task, "card.verify");
  EXPECT_EQ(state_->incident->error, "unavailable");
  EXPECT_EQ(state_->incident->attempts, 5);
  EXPECT_EQ(state_->incident->since, now_);
  EXPECT_FALSE(state_->pending_request.has_value());
  const auto* ev = event_of(out, EventType::incident);
  ASSERT_NE(ev, nullptr);
  EXPECT_EQ(ev->data(),
            (json{{"reason", {{"code", "task_failed"}, {"detail", "card.verify: unavailable"}}},
                  {"phase", "review"},
                  {"step", "verify-card"},
                  {"task", "card.verify"},
                  {"error", "unavailable"},
                  {"attempts", 5}}));
  EXPECT_EQ(event_of(out, EventType::rejected), nullptr);
  const auto* record = audit_of(out);
  ASSERT_NE(record, nullptr);
  EXPECT_EQ(record->to, "incident");
  EXPECT_EQ(record->outcome, "incident:unavailable");
}

TEST_F(EngineIncidentTest, AnIncidentHasNoTimerAndNeverExpires) {
  outage_at_verify_card();
  EXPECT_EQ(state_->next_timer(), std::nullopt);
  const auto version = state_->state_version;
  now_ += std::chrono::hours(24 * 30);  // far past expire_after_s
  const auto out = timer();
  EXPECT_TRUE(out.effects.empty());
  EXPECT_EQ(state_->status(), Status::incident);
  EXPECT_EQ(state_->state_version, version);
}

TEST_F(EngineIncidentTest, OperatorRetryResumesTheStepWithFreshAttempts) {
  outage_at_verify_card();
  const auto out = act(CommandType::operator_retry, "registry back up");
  EXPECT_EQ(state_->status(), Status::active);
  EXPECT_EQ(state_->step, "verify-card");
  EXPECT_FALSE(state_->incident.has_value());
  EXPECT_TRUE(state_->reason.empty());
  const auto* req = request(out);
  ASSERT_NE(req, nullptr);
  EXPECT_EQ(req->task, "card.verify");
  EXPECT_EQ(req->attempt, 1);
  const auto* record = audit_of(out);
  ASSERT_NE(record, nullptr);
  EXPECT_EQ(record->from, "incident");
  EXPECT_EQ(record->actor.operator_id, "op-7");
  walk_to("");
  EXPECT_EQ(state_->status(), Status::issued);
}

TEST_F(EngineIncidentTest, OperatorRewindResumesAtAnEarlierStep) {
  outage_at_verify_card();
  act(CommandType::operator_rewind, "card photo was poor", "card-front");
  EXPECT_EQ(state_->status(), Status::active);
  EXPECT_EQ(state_->step, "card-front");
  EXPECT_FALSE(state_->incident.has_value());
  walk_to("");
  EXPECT_EQ(state_->status(), Status::issued);
}

TEST_F(EngineIncidentTest, OperatorOrCitizenMayCancelButTheCitizenCannotGoOn) {
  outage_at_verify_card();
  const auto refused = feed(CommandType::selfie_capture, ImageCapture{ImageRef("img://selfie")});
  const auto* rejected = event_of(refused, EventType::command_rejected);
  ASSERT_NE(rejected, nullptr);
  EXPECT_EQ(rejected->data().at("reason").at("code"), "registration_not_active");
  EXPECT_EQ(state_->status(), Status::incident);
  feed(CommandType::registration_cancel, RegistrationCancel{"gave up waiting"});
  EXPECT_EQ(state_->status(), Status::cancelled);
  EXPECT_FALSE(state_->citizen_claimed) << "the claim ends with the registration";
}

TEST_F(EngineIncidentTest, OperatorCancelEndsAnIncident) {
  outage_at_verify_card();
  act(CommandType::operator_cancel, "duplicate registration");
  EXPECT_EQ(state_->status(), Status::cancelled);
}

TEST_F(EngineIncidentTest, ALateResultForTheLastAttemptIsIgnored) {
  walk_to("verify-card");
  while (true) {
    const auto pending = *state_->pending_request;
    result({}, TaskStatus::retryable, "unavailable");
    if (state_->status() == Status::incident) {
      TaskResult late;
      late.request_id = pending;
      late.task = "card.verify";
      late.status = TaskStatus::ok;
      late.outputs = {{"code", 0}, {"card_status", "valid"}};
      feed(CommandType::task_result, late);
      break;
    }
    fire_timer();
  }
  EXPECT_EQ(state_->status(), Status::incident);
}

TEST_F(EngineIncidentTest, AnIncidentSurvivesTheStore) {
  outage_at_verify_card();
  const auto back = state_from_json(state_to_json(*state_));
  EXPECT_EQ(back.status(), Status::incident);
  EXPECT_EQ(back.position, state_->position);
  EXPECT_EQ(back.incident, state_->incident);
  // An incident without its details, or details without the incident, is not a record.
  auto broken = state_to_json(*state_);
  broken["incident"] = nullptr;
  EXPECT_THROW(state_from_json(broken), StateDecodeError);
}

TEST_F(EngineIncidentTest, BackoffIsJitteredDeterministically) {
  std::set<std::int64_t> waits;
  for (int i = 0; i < 100; ++i) {
    state_.reset();
    reg_id_ = "reg-jitter-" + std::to_string(i);
    walk_to("verify-card");
    result({}, TaskStatus::retryable, "unavailable");
    const auto wait = (*state_->step_deadline - now_).count();
    EXPECT_GE(wait, 0);
    EXPECT_LE(wait, 1000);  // full jitter under the 1 s initial backoff
    waits.insert(wait);
  }
  // Spread, not all at once: a recovering registry gets the retries over the whole second.
  EXPECT_GE(waits.size(), 90u);
  EXPECT_LT(*waits.begin(), 200);
  EXPECT_GT(*waits.rbegin(), 800);
  // And the same registration waits the same time again (a replay stays exact).
  state_.reset();
  reg_id_ = "reg-jitter-0";
  walk_to("verify-card");
  result({}, TaskStatus::retryable, "unavailable");
  const auto again = (*state_->step_deadline - now_).count();
  state_.reset();
  walk_to("verify-card");
  result({}, TaskStatus::retryable, "unavailable");
  EXPECT_EQ((*state_->step_deadline - now_).count(), again);
}

// v1 definitions keep their meaning: exhausted retries reject, as before incidents.
class EngineIncidentV1Test : public EngineIncidentTest {
 protected:
  std::string definition_file() const override { return "self-service.v1.json"; }
};

TEST_F(EngineIncidentV1Test, AVersion1DefinitionStillRejects) {
  const auto out = outage_at_verify_card();
  EXPECT_EQ(state_->status(), Status::rejected);
  EXPECT_EQ(event_of(out, EventType::incident), nullptr);
  EXPECT_NE(event_of(out, EventType::rejected), nullptr);
}

TEST(RetryJitterTest, FullJitterScalesTheCappedBackoff) {
  RetryPolicy p;
  p.initial_backoff = std::chrono::milliseconds(1000);
  p.multiplier = 2;
  p.max_backoff = std::chrono::milliseconds(5000);
  EXPECT_EQ(p.backoff(2).count(), 1000);
  EXPECT_EQ(p.backoff(5).count(), 5000);
  EXPECT_EQ(p.jittered_backoff(2, 0.0).count(), 0);
  EXPECT_EQ(p.jittered_backoff(2, 0.5).count(), 500);
  EXPECT_EQ(p.jittered_backoff(3, 0.25).count(), 500);
  EXPECT_EQ(p.jittered_backoff(9, 0.999).count(), 4995);
  EXPECT_EQ(p.jittered_backoff(2, 7.0).count(), 1000) << "a draw is clamped to [0, 1]";
}

}  // namespace
}  // namespace enroll
