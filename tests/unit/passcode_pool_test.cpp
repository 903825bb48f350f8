// The Argon2id worker pool: its results are what the engine would compute inline, it answers
// only for the inputs it worked on, and the engine takes its results (set-passcode and
// confirm-consent) instead of hashing on the ordered path.
#include "service/pipeline/passcode_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>

#include "errors/errc.hpp"
#include "tests/unit/engine_walk.hpp"
#include "workflows/engine.hpp"

namespace enroll {
namespace {

const crypto::PasscodeHashParams cheap{1, 8192};  // libsodium's minimum: tests are not about cost

std::array<unsigned char, 16> salt_of(unsigned char b) {
  std::array<unsigned char, 16> s{};
  s.fill(b);
  return s;
}

TEST(PasscodePoolTest, WorksABatchOutAsTheEngineWouldInline) {
  PasscodePool pool(2, cheap);
  const SecretString pass("13572468"), other("24681357");
  const auto stored = crypto::make_passcode_verifier(pass, salt_of(9), cheap);
  pool.add_verifier(pass, salt_of(1));
  pool.add_verifier(other, salt_of(2));
  pool.add_check(stored, pass);
  pool.add_check(stored, other);
  EXPECT_EQ(pool.pending(), 4u);
  int waits = 0;
  pool.run([&] { ++waits; });

  EXPECT_EQ(pool.verifier(pass, salt_of(1), cheap),
            crypto::make_passcode_verifier(pass, salt_of(1), cheap));
  EXPECT_EQ(pool.verifier(other, salt_of(2), cheap),
            crypto::make_passcode_verifier(other, salt_of(2), cheap));
  EXPECT_EQ(pool.verified(stored, pass), std::optional<bool>(true));
  EXPECT_EQ(pool.verified(stored, other), std::optional<bool>(false));
  // Nothing for inputs it did not work on, or other cost parameters.
  EXPECT_EQ(pool.verifier(pass, salt_of(2), cheap), std::nullopt);
  EXPECT_EQ(pool.verifier(SecretString("135724689"), salt_of(1), cheap), std::nullopt);
  EXPECT_EQ(pool.verifier(pass, salt_of(1), crypto::PasscodeHashParams{2, 8192}), std::nullopt);
  EXPECT_EQ(pool.verified(stored + "x", pass), std::nullopt);

  pool.clear();
  EXPECT_EQ(pool.pending(), 0u);
  EXPECT_EQ(pool.verifier(pass, salt_of(1), cheap), std::nullopt);
  pool.run([&] { ++waits; });  // an empty batch returns at once
}

TEST(PasscodePoolTest, AJobThatFailsIsLeftToTheEngine) {
  // Cost parameters libsodium refuses: the job fails on the worker, no result is kept, and the
  // caller's own computation meets the error in order.
  const crypto::PasscodeHashParams refused{0, 8192};
  PasscodePool pool(1, refused);
  const SecretString pass("13572468");
  pool.add_verifier(pass, salt_of(1));
  pool.run([] {});
  EXPECT_EQ(pool.verifier(pass, salt_of(1), refused), std::nullopt);
  EXPECT_THROW(crypto::make_passcode_verifier(pass, salt_of(1), refused, &pool), Error);
}

// A PasscodeResults that answers every question with a marker and counts them.
class Marker final : public crypto::PasscodeResults {
 public:
  std::optional<std::string> verifier(const SecretString&, std::span<const unsigned char, 16>,
                                      const crypto::PasscodeHashParams&) const override {
    ++asked;
    return "$argon2id$from-the-pool";
  }
  std::optional<bool> verified(const std::string& v, const SecretString&) const override {
    ++asked;
    return v == "$argon2id$from-the-pool";
  }
  mutable std::atomic<int> asked{0};
};

class EngineWithResultsAheadTest : public testing::EngineWalk {};

TEST_F(EngineWithResultsAheadTest, TheEngineTakesTheResultsFromAhead) {
  Marker marker;
  config_.passcode_ahead = &marker;
  walk_to("issue");  // through set-passcode and confirm-consent
  EXPECT_EQ(state_->captured.passcode.verifier, "$argon2id$from-the-pool");
  EXPECT_TRUE(state_->captured.confirmation.confirmed_at.has_value());
  EXPECT_EQ(marker.asked.load(), 2);
}

TEST_F(EngineWithResultsAheadTest, ThePoolGivesTheSameStatesAsHashingInline) {
  const auto start = now_;
  walk_to("issue");
  const auto inline_state = *state_;

  // The same walk again (same event ids and times), with the pool's results ahead.
  state_.reset();
  seq_ = 0;
  now_ = start;
  walk_to("set-passcode");
  PasscodePool pool(2, config_.passcode_hash);
  const SecretString pass("13572468");
  const auto salt = passcode_salt(config_, state_->id, EventId("e" + std::to_string(seq_ + 1)));
  pool.add_verifier(pass, salt);
  pool.run([] {});
  const auto verifier = pool.verifier(pass, salt, config_.passcode_hash);
  ASSERT_TRUE(verifier.has_value());
  pool.add_check(*verifier, pass);  // what confirm-consent will ask
  pool.run([] {});
  ASSERT_EQ(pool.verified(*verifier, pass), std::optional<bool>(true));
  config_.passcode_ahead = &pool;
  walk_to("issue");
  EXPECT_EQ(state_->captured.passcode.verifier, inline_state.captured.passcode.verifier);
  EXPECT_EQ(state_to_json(*state_), state_to_json(inline_state));
}

}  // namespace
}  // namespace enroll
