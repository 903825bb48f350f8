// A randomized test of the pure engine: random event sequences (expected and unexpected
// commands, good and bad connector results, stale results, duplicates, timers; random_walk.hpp)
// on every channel never leave the machines' states or throw, release the citizen claim with
// every end, keep the audit chain whole, and, with time advancing, always end in a terminal
// outcome; every message the engine's effects become matches its schema (schemas/events/).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "adapters/codec/outbound_check.hpp"
#include "adapters/codec/outbound_encoder.hpp"
#include "tests/unit/engine_fixture.hpp"
#include "tests/unit/random_walk.hpp"
#include "tests/unit/test_trust.hpp"
#include "workflows/definition.hpp"
#include "workflows/engine.hpp"

namespace enroll {
namespace {

using nlohmann::json;

using testing::RandomWalk;

// The walk's choices from a seeded generator: the same seed, the same walk.
RandomWalk::Draw seeded(std::uint64_t seed) {
  return [rng = std::mt19937_64(seed)](int lo, int hi) mutable {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
}

// The walk's state and transitions keep their invariants so far.
::testing::AssertionResult keeps_invariants(const RandomWalk& walk) {
  if (const auto broken = walk.broken_invariant()) return ::testing::AssertionFailure() << *broken;
  return ::testing::AssertionSuccess();
}

// Encodes each outcome as the service does and checks every message against its schemas;
// keeps the first failure with the message that failed.
class EmittedMessages {
 public:
  void check(const Inbound& in, const Outcome& out) {
    if (failure_) return;
    const auto version = out.state ? out.state->state_version : 0;
    const auto at = out.state ? out.state->updated_at : Timestamp{};
    for (const auto& m :
         encoder_.encode(in.subject, in.id, version, in.traceparent, at, out.effects)) {
      ++checked_;
      if (auto why = codec::check_outbound(schemas_, m.value); !why.empty()) {
        failure_ = why + " in " + m.value;
        return;
      }
    }
  }
  [[nodiscard]] const std::optional<std::string>& failure() const { return failure_; }
  [[nodiscard]] std::size_t checked() const { return checked_; }

 private:
  codec::SchemaSet schemas_;
  codec::OutboundEncoder encoder_{Topics{}, "/enrollmentd", testing::test_signer("enrollmentd")};
  std::optional<std::string> failure_;
  std::size_t checked_ = 0;
};

class EngineRandomTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::load_all_channels(catalog_);
    config_ = testing::test_engine_config(catalog_);
  }
  DefinitionCatalog catalog_;
  EngineConfig config_;
};

TEST_F(EngineRandomTest, RandomSequencesStayInTheMachinesAndAlwaysEnd) {
  std::map<std::string, std::map<std::string, int>> outcomes;
  EmittedMessages emitted;
  for (const auto& channel : catalog_.channels()) {
    for (std::uint64_t seed = 1; seed <= 150; ++seed) {
      RandomWalk walk(config_, seeded(seed * 7919 + channel.size()));
      walk.observe([&](const Inbound& in, const Outcome& out) { emitted.check(in, out); });
      walk.start_with(channel);
      for (int i = 0; i < 120; ++i) {
        ASSERT_NO_THROW(walk.step()) << channel << " seed " << seed << " event " << i;
        ASSERT_TRUE(keeps_invariants(walk)) << channel << " seed " << seed;
      }
      // Time advances: every registration must end (issued, rejected, expired, cancelled); an
      // incident waits for an operator, who cancels it here.
      for (int i = 0; i < 200 && walk.state() && !is_terminal(walk.state()->position.state); ++i) {
        ASSERT_NO_THROW(walk.cancel_incident());
        ASSERT_NO_THROW(walk.timer());
        ASSERT_TRUE(keeps_invariants(walk)) << channel << " seed " << seed;
      }
      ASSERT_TRUE(walk.state().has_value()) << channel << " seed " << seed;
      ASSERT_TRUE(is_terminal(walk.state()->position.state))
          << channel << " seed " << seed << " stuck at " << walk.state()->step;
      const auto chain = walk.audit_break();
      ASSERT_FALSE(chain.has_value())
          << channel << " seed " << seed << ": audit record " << chain->seq << ": " << chain->why;
      ASSERT_FALSE(emitted.failure()) << channel << " seed " << seed << ": " << *emitted.failure();
      ++outcomes[channel][std::string(to_string(walk.state()->status()))];
    }
  }
  EXPECT_GT(emitted.checked(), 10'000u);
  // The walks reach more than one kind of ending (a walk that always expires tests little).
  for (const auto& [channel, counts] : outcomes) {
    EXPECT_GE(counts.size(), 2u) << channel;
  }
}

// Retention on: every walk ends, is purged by its next timer, and the tombstone then takes
// random events without changing (refusals only add to the audit chain and the dedupe ids).
TEST_F(EngineRandomTest, WithRetentionEveryEndIsPurgedAndTheTombstoneStays) {
  config_.retain_finished = std::chrono::hours(1);
  EmittedMessages emitted;
  for (const auto& channel : catalog_.channels()) {
    for (std::uint64_t seed = 1; seed <= 30; ++seed) {
      RandomWalk walk(config_, seeded(seed * 104729 + channel.size()));
      walk.observe([&](const Inbound& in, const Outcome& out) { emitted.check(in, out); });
      walk.start_with(channel);
      for (int i = 0; i < 400 && !(walk.state() && walk.state()->purged()); ++i) {
        if (i >= 120) {
          ASSERT_NO_THROW(walk.cancel_incident());
        }
        ASSERT_NO_THROW(i < 120 ? walk.step() : walk.timer()) << channel << " seed " << seed;
        ASSERT_TRUE(keeps_invariants(walk)) << channel << " seed " << seed;
      }
      ASSERT_TRUE(walk.state() && walk.state()->purged())
          << channel << " seed " << seed << " at "
          << (walk.state() ? state_to_json(*walk.state()).dump() : "no state");
      const auto tomb = *walk.state();
      for (int i = 0; i < 60; ++i) {
        ASSERT_NO_THROW(walk.step()) << channel << " seed " << seed;
        ASSERT_TRUE(keeps_invariants(walk)) << channel << " seed " << seed;
        const auto& s = *walk.state();
        ASSERT_TRUE(s.purged());
        EXPECT_EQ(s.status(), tomb.status());
        EXPECT_EQ(s.created_at, tomb.created_at);
        EXPECT_EQ(s.state_version, tomb.state_version);
        EXPECT_EQ(s.purged_at, tomb.purged_at);
        if (HasFailure()) return;
      }
      const auto chain = walk.audit_break();
      ASSERT_FALSE(chain.has_value())
          << channel << " seed " << seed << ": audit record " << chain->seq << ": " << chain->why;
      ASSERT_FALSE(emitted.failure()) << channel << " seed " << seed << ": " << *emitted.failure();
    }
  }
}

}  // namespace
}  // namespace enroll
