// Retention in the pure engine: a finished registration is given a purge time when it ends
// (if retention is on); the timer then makes it a tombstone, audited; a tombstone refuses
// everything and its timers change nothing.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/unit/engine_walk.hpp"
#include "workflows/engine.hpp"

namespace enroll {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

class EngineRetentionTest : public testing::EngineWalk {
 protected:
  void issue() {
    walk_to("");
    ASSERT_EQ(state_->status(), Status::issued);
  }
  static const AuditRecord* audit_record(const Outcome& o) {
    for (const auto& e : o.effects) {
      if (const auto* r = std::get_if<AuditRecord>(&e)) return r;
    }
    return nullptr;
  }
};

TEST_F(EngineRetentionTest, OffAFinishedRegistrationHasNoTimer) {
  issue();
  EXPECT_FALSE(state_->purge_at.has_value());
  EXPECT_FALSE(state_->next_timer().has_value());
  EXPECT_TRUE(timer().effects.empty());
  EXPECT_FALSE(state_->purged());
}

TEST_F(EngineRetentionTest, OnTheEndSetsThePurgeTimeAndTheTimerMakesATombstone) {
  config_.retain_finished = 30s;
  issue();
  const auto ended = state_->updated_at;
  ASSERT_EQ(state_->purge_at, ended + 30s);
  EXPECT_EQ(state_->next_timer(), state_->purge_at);
  // A timer before the purge time (a deadline that moved on) changes nothing.
  const auto early = timer();
  EXPECT_TRUE(early.effects.empty());
  EXPECT_FALSE(early.state.has_value());

  const auto before = *state_;
  const auto out = fire_timer();
  ASSERT_TRUE(out.state.has_value());
  EXPECT_TRUE(state_->purged());
  EXPECT_EQ(state_->purged_at, *before.purge_at);
  EXPECT_FALSE(state_->next_timer().has_value());
  // Kept: how it ended, the times, the chain.
  EXPECT_EQ(state_->status(), Status::issued);
  EXPECT_EQ(state_->phase, before.phase);
  EXPECT_EQ(state_->channel, before.channel);
  EXPECT_EQ(state_->definition_version, before.definition_version);
  EXPECT_EQ(state_->created_at, before.created_at);
  EXPECT_EQ(state_->expires_at, before.expires_at);
  EXPECT_EQ(state_->state_version, before.state_version + 1);
  // The consent record outlives the personal data (issue 14).
  ASSERT_TRUE(state_->consent.has_value());
  EXPECT_EQ(state_->consent, before.consent);
  EXPECT_EQ(state_->consent->terms_version, "2024-06");
  // Dropped: everything captured.
  EXPECT_FALSE(state_->citizen_id.has_value());
  EXPECT_TRUE(state_->captured.passcode.verifier.empty());
  EXPECT_TRUE(state_->captured.identity.digital_id.empty());
  EXPECT_TRUE(state_->captured.card_back.laser_code.empty());
  EXPECT_TRUE(state_->captured.selfie.image_ref.empty());
  EXPECT_FALSE(state_->pending_request.has_value());
  // The dedupe window, with the purge's timer now in it (a second copy of it is a duplicate).
  ASSERT_EQ(state_->applied.size(), before.applied.size() + 1);
  EXPECT_TRUE(std::equal(before.applied.begin(), before.applied.end(), state_->applied.begin()));
  EXPECT_EQ(state_->applied.back().rfind("timer-", 0), 0u) << state_->applied.back();
  EXPECT_TRUE(state_->device.id.empty());
  // One audit record by enrollmentd (its timer), continuing the chain; no event.
  ASSERT_EQ(out.effects.size(), 1u);
  const auto* record = audit_record(out);
  ASSERT_NE(record, nullptr);
  EXPECT_EQ(record->outcome, "purged");
  EXPECT_EQ(record->actor.role, "orchestrator");
  EXPECT_EQ(record->actor.principal, "enrollmentd");
  EXPECT_EQ(record->seq, before.audit_seq + 1);
  EXPECT_EQ(record->prev_hash, before.audit_head);
  EXPECT_EQ(state_->audit_seq, record->seq);
  EXPECT_EQ(state_->audit_head, record->hash);
  // The tombstone's stored form is small and reads back the same.
  const auto stored = state_to_json(*state_);
  EXPECT_LT(stored.dump().size(), 1000u) << stored.dump();
  EXPECT_FALSE(stored.contains("card"));
  EXPECT_EQ(stored.at("consent").at("terms_version"), "2024-06");
  EXPECT_EQ(state_to_json(state_from_json(stored)), stored);
}

TEST_F(EngineRetentionTest, ARejectedRegistrationIsPurgedToo) {
  config_.retain_finished = 1h;
  walk_to("verify-card");
  result({{"code", 0}, {"card_status", "revoked"}});
  ASSERT_EQ(state_->status(), Status::rejected);
  const auto reason = state_->reason;
  ASSERT_EQ(state_->next_timer(), state_->updated_at + 1h);
  fire_timer();
  EXPECT_TRUE(state_->purged());
  EXPECT_EQ(state_->status(), Status::rejected);
  EXPECT_EQ(state_->reason, reason);
}

TEST_F(EngineRetentionTest, ATombstoneRefusesEverythingAndItsTimersChangeNothing) {
  config_.retain_finished = 2s;
  issue();
  fire_timer();
  ASSERT_TRUE(state_->purged());

  // A second timer: nothing, and nothing re-armed.
  const auto again = timer();
  EXPECT_FALSE(again.state.has_value());
  EXPECT_TRUE(again.effects.empty());

  // A late duplicate start: refused; the tombstone stays (no new registration).
  const auto tomb = *state_;
  const auto start =
      feed(CommandType::registration_start,
           RegistrationStart{"self-service", {"dev-1", "android"}, std::nullopt, std::nullopt});
  ASSERT_EQ(events(start).size(), 1u);
  EXPECT_EQ(events(start)[0]->type(), EventType::command_rejected);
  EXPECT_EQ(request(start), nullptr);
  EXPECT_TRUE(state_->purged());
  EXPECT_EQ(state_->created_at, tomb.created_at);
  EXPECT_EQ(state_->state_version, tomb.state_version);
  EXPECT_EQ(state_->audit_seq, tomb.audit_seq + 1);  // the refusal is on the record

  // Commands, operator actions and results: refused or ignored, as for any ended one.
  for (auto out : {feed(CommandType::terms_accept, TermsAccept{"2024-06"}),
                   feed(CommandType::registration_cancel, RegistrationCancel{"late"}),
                   feed(CommandType::operator_retry, OperatorAction{"op-1", "again", ""})}) {
    ASSERT_EQ(events(out).size(), 1u);
    EXPECT_EQ(events(out)[0]->type(), EventType::command_rejected);
  }
  const auto late = result({{"digital_id", "DID-2"}});
  EXPECT_TRUE(events(late).empty());
  EXPECT_TRUE(state_->purged());
  EXPECT_TRUE(state_->captured.identity.digital_id.empty());
  EXPECT_FALSE(state_->next_timer().has_value());
  EXPECT_EQ(state_->state_version, tomb.state_version);
}

TEST_F(EngineRetentionTest, ARegistrationOfAnUnloadedDefinitionIsPurgedAllTheSame) {
  config_.retain_finished = 10s;
  issue();
  DefinitionCatalog empty;
  config_.catalog = &empty;
  const auto out = fire_timer();
  EXPECT_TRUE(state_->purged());
  ASSERT_EQ(out.effects.size(), 1u);
  EXPECT_EQ(std::get<AuditRecord>(out.effects[0]).outcome, "purged");
  EXPECT_TRUE(timer().effects.empty());  // and then nothing more
}

TEST_F(EngineRetentionTest, AnActiveRegistrationOfAnUnloadedDefinitionIgnoresItsTimer) {
  walk_to("card-front");
  ASSERT_TRUE(state_->next_timer().has_value());
  const auto before = *state_;
  DefinitionCatalog empty;
  config_.catalog = &empty;
  const auto out = fire_timer();        // due: without the definition, nothing to judge it by
  EXPECT_FALSE(out.state.has_value());  // not stored, so not re-armed at a past time
  EXPECT_TRUE(out.effects.empty());
  EXPECT_EQ(state_to_json(*state_), state_to_json(before));
  const auto refused = feed(CommandType::card_front_capture, ImageCapture{ImageRef("img://f")});
  ASSERT_EQ(events(refused).size(), 1u);  // a command is still refused, and stored
  EXPECT_EQ(events(refused)[0]->type(), EventType::command_rejected);
}

TEST_F(EngineRetentionTest, ThePurgeIsTheSameOnReplay) {
  config_.retain_finished = 5s;
  issue();
  Inbound in{EventId("timer/1"),
             "/enrollmentd/timers",
             RegistrationId("reg-1"),
             CommandType::timer,
             TimerFired{*state_->purge_at},
             "",
             {}};
  in.principal = testing::fitting_principal(in, &*state_, catalog_);
  const auto a = apply(state_, in, *state_->purge_at + 10ms, config_);
  const auto b = apply(state_, in, *state_->purge_at + 10ms, config_);
  ASSERT_TRUE(a.state && b.state);
  EXPECT_EQ(state_to_json(*a.state), state_to_json(*b.state));
  EXPECT_EQ(audit_to_json(std::get<AuditRecord>(a.effects.at(0)), true),
            audit_to_json(std::get<AuditRecord>(b.effects.at(0)), true));
}

}  // namespace
}  // namespace enroll
