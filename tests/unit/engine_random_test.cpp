// A randomized test of the pure engine: random event sequences (expected and unexpected
// commands, good and bad connector results, stale results, duplicates, timers) on every
// channel never leave the machines' states or throw, and, with time advancing, always end
// in a terminal outcome.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "tests/unit/engine_fixture.hpp"
#include "workflows/definition.hpp"
#include "workflows/engine.hpp"

namespace enroll {
namespace {

using nlohmann::json;

class RandomWalk {
 public:
  RandomWalk(const EngineConfig& config, std::uint64_t seed) : config_(config), rng_(seed) {}

  // One random event; returns the outcome (state kept).
  void step() {
    const int pick = uniform(0, 99);
    if (!state_) {
      start();
    } else if (pick < 45) {
      expected_command();
    } else if (pick < 75) {
      result_for_pending();
    } else if (pick < 82) {
      random_command();
    } else if (pick < 86) {
      stale_result();
    } else if (pick < 92 && last_id_) {
      // A duplicate: the same id again (the engine must ignore it whatever it carries).
      feed(Inbound{*last_id_, "/t", id_, last_type_, payload_for(last_type_), ""});
    } else if (pick < 99) {
      timer();
    } else {
      command(CommandType::registration_cancel, RegistrationCancel{"changed my mind"});
    }
  }

  void timer() {
    if (!state_) return;
    const auto due = state_->next_timer();
    if (!due) return;
    now_ = std::max(now_, *due);
    Inbound in{EventId("timer-" + std::to_string(++seq_)),
               "/t",
               id_,
               CommandType::timer,
               TimerFired{},
               ""};
    feed(in);
  }

  [[nodiscard]] const std::optional<Registration>& state() const { return state_; }

  void check_invariants(const std::string& channel) const {
    if (!state_) return;
    const auto& s = *state_;
    ASSERT_TRUE(registration_state_from(to_string(s.position.state)).has_value());
    ASSERT_TRUE(step_state_from(to_string(s.stage)).has_value());
    const ChannelDefinition* def = config_.catalog->get(s.channel, s.definition_version);
    ASSERT_NE(def, nullptr);
    ASSERT_NE(def->find(s.step), nullptr) << s.step << " not in " << s.channel;
    if (s.active()) {
      EXPECT_FALSE(is_final(s.stage)) << channel << ": an active registration in a final step";
      EXPECT_TRUE(s.next_timer().has_value()) << "an active registration without a timer";
      EXPECT_EQ(s.stage == StepState::awaiting_connector, s.pending_request.has_value());
    }
    if (is_terminal(s.position.state)) {
      // Its only timer is the purge (retention), until it is a tombstone.
      EXPECT_EQ(s.purge_at.has_value(), config_.retain_finished.has_value());
      EXPECT_EQ(s.next_timer(), s.purged() ? std::nullopt : s.purge_at);
      EXPECT_FALSE(s.citizen_claimed) << "a finished registration still holds its claim";
    } else {
      EXPECT_FALSE(s.purge_at || s.purged()) << "only a finished registration is purged";
    }
  }

  void start_with(const std::string& channel) {
    channel_ = channel;
    start();
  }

 private:
  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool coin(int percent) { return uniform(0, 99) < percent; }

  void feed(const Inbound& in) {
    now_ += std::chrono::milliseconds(uniform(1, 5000));
    Outcome out = apply(state_, in, now_, config_);  // must never throw
    if (out.state) state_ = std::move(out.state);
    if (in.type != CommandType::timer && in.type != CommandType::task_result) {
      last_id_ = in.id;
      last_type_ = in.type;
    }
  }

  void command(CommandType type, CommandPayload payload) {
    feed(Inbound{EventId("e" + std::to_string(++seq_)), "/t", id_, type, std::move(payload), ""});
  }

  void start() {
    RegistrationStart s{channel_, {"dev", "ios"}, std::nullopt, std::nullopt};
    if (channel_ != "self-service" && channel_ != "kiosk") {
      s.citizen_id = coin(90) ? "1101700203450" : "1101700203451";
      s.officer = Officer{"officer-1", "counter-7"};
    }
    command(CommandType::registration_start, std::move(s));
  }

  CommandPayload payload_for(CommandType t) {
    switch (t) {
      case CommandType::terms_accept:
        return TermsAccept{"2024-06"};
      case CommandType::permissions_grant:
        return PermissionsGrant{coin(80) ? std::vector<std::string>{"camera"}
                                         : std::vector<std::string>{}};
      case CommandType::card_front_capture:
      case CommandType::card_back_capture:
      case CommandType::selfie_capture:
        return ImageCapture{ImageRef("img://x")};
      case CommandType::card_data_confirm:
        return CardDataConfirm{coin(80)};
      case CommandType::citizen_id_enter:
        return CitizenIdEnter{coin(80) ? "1101700203450" : "1234567890123"};
      case CommandType::fingerprint_capture:
        return FingerprintCapture{"fp://1", "right-index"};
      case CommandType::qr_scan:
        return QrScan{coin(80) && state_ ? state_->qr.token : std::string("1.2.3")};
      case CommandType::passcode_set: {
        const std::string p = coin(75) ? "13572468" : "12345678";
        return PasscodeSet{SecretString(p), SecretString(coin(90) ? p : "13572469")};
      }
      case CommandType::consent_confirm:
        return ConsentConfirm{SecretString(coin(75) ? "13572468" : "24681357")};
      case CommandType::registration_cancel:
        return RegistrationCancel{"bye"};
      case CommandType::registration_start:
        return RegistrationStart{
            channel_, {"dev", "ios"}, "1101700203450", Officer{"officer-1", "counter-7"}};
      default:
        return TermsAccept{"x"};
    }
  }

  void expected_command() {
    const ChannelDefinition* def =
        config_.catalog->get(state_->channel, state_->definition_version);
    const StepDef* step = def ? def->find(state_->step) : nullptr;
    if (step == nullptr || step->expects.empty()) return random_command();
    const auto t = step->expects[static_cast<std::size_t>(
        uniform(0, static_cast<int>(step->expects.size()) - 1))];
    command(t, payload_for(t));
  }

  void random_command() {
    static const std::vector<CommandType> all{CommandType::terms_accept,
                                              CommandType::permissions_grant,
                                              CommandType::card_front_capture,
                                              CommandType::card_back_capture,
                                              CommandType::selfie_capture,
                                              CommandType::card_data_confirm,
                                              CommandType::citizen_id_enter,
                                              CommandType::fingerprint_capture,
                                              CommandType::qr_scan,
                                              CommandType::passcode_set,
                                              CommandType::consent_confirm,
                                              CommandType::registration_start};
    const auto t = all[static_cast<std::size_t>(uniform(0, static_cast<int>(all.size()) - 1))];
    if (t == CommandType::registration_start) return start();
    command(t, payload_for(t));
  }

  json outputs_for(const std::string& task, bool good) {
    if (task == "card.front.ocr" || task == "card.chip.read") {
      json o{{"citizen_id", good ? "1101700203450" : "1101700203451"},
             {"first_name", "A"},
             {"last_name", "B"},
             {"date_of_birth", "1990-05-17"},
             {"sharpness", good ? 0.9 : 0.1}};
      if (task == "card.chip.read") o["laser_code"] = "JT0123456789";
      return o;
    }
    if (task == "card.back.ocr") return {{"laser_code", good ? "JT0123456789" : "X"}};
    if (task == "face.liveness") return {{"liveness", good ? 0.9 : 0.2}};
    if (task == "face.match" || task == "fingerprint.match") return {{"score", good ? 0.9 : 0.1}};
    if (task == "card.verify") {
      return {
          {"code", good ? 0 : std::vector<int>{4, 5, 7}[static_cast<std::size_t>(uniform(0, 2))]},
          {"card_status", good || coin(50) ? "valid" : "revoked"}};
    }
    if (task == "review.request") return {{"decision", good ? "approve" : "reject"}};
    if (task == "qr.display") return {{"displayed", true}};
    if (task == "citizen.claim") return {{"claimed", good}};
    return {{"digital_id", good ? "DID-1" : ""}};
  }

  void result_for_pending() {
    if (!state_ || !state_->pending_request) return timer();
    const ChannelDefinition* def =
        config_.catalog->get(state_->channel, state_->definition_version);
    const StepDef* step = def ? def->find(state_->step) : nullptr;
    if (step == nullptr || !step->task) return random_command();
    TaskResult r;
    r.request_id = *state_->pending_request;
    r.task = step->task->name;
    const int roll = uniform(0, 99);
    if (roll < 70) {
      r.outputs = outputs_for(r.task, true);
    } else if (roll < 85) {
      r.outputs = outputs_for(r.task, false);
    } else if (roll < 93) {
      r.status = TaskStatus::retryable;
      r.error = TaskError{"unavailable", ""};
    } else {
      r.status = TaskStatus::failed;
      r.error = TaskError{coin(50) ? "unavailable" : "blurry", ""};
    }
    if (r.status == TaskStatus::ok) stale_ = r.request_id;
    command(CommandType::task_result, std::move(r));
  }

  void stale_result() {
    TaskResult r;
    r.request_id = stale_.empty() ? RequestId("nobody/asked/0.1") : stale_;
    r.task = "card.verify";
    r.outputs = outputs_for(r.task, true);
    command(CommandType::task_result, std::move(r));
  }

  const EngineConfig& config_;
  std::mt19937_64 rng_;
  std::string channel_ = "self-service";
  RegistrationId id_{"reg-random"};
  std::optional<Registration> state_;
  std::optional<EventId> last_id_;
  CommandType last_type_ = CommandType::terms_accept;
  RequestId stale_;
  Timestamp now_{std::chrono::milliseconds(1'800'000'000'000)};
  int seq_ = 0;
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
  for (const auto& channel : catalog_.channels()) {
    for (std::uint64_t seed = 1; seed <= 150; ++seed) {
      RandomWalk walk(config_, seed * 7919 + channel.size());
      walk.start_with(channel);
      for (int i = 0; i < 120; ++i) {
        ASSERT_NO_THROW(walk.step()) << channel << " seed " << seed << " event " << i;
        walk.check_invariants(channel);
        if (HasFatalFailure()) return;
      }
      // Time advances: every registration must end (issued, rejected, expired, cancelled).
      for (int i = 0; i < 200 && walk.state() && !is_terminal(walk.state()->position.state); ++i) {
        ASSERT_NO_THROW(walk.timer());
        walk.check_invariants(channel);
      }
      ASSERT_TRUE(walk.state().has_value()) << channel << " seed " << seed;
      ASSERT_TRUE(is_terminal(walk.state()->position.state))
          << channel << " seed " << seed << " stuck at " << walk.state()->step;
      ++outcomes[channel][std::string(to_string(walk.state()->status()))];
    }
  }
  // The walks reach more than one kind of ending (a walk that always expires tests little).
  for (const auto& [channel, counts] : outcomes) {
    EXPECT_GE(counts.size(), 2u) << channel;
  }
}

// Retention on: every walk ends, is purged by its next timer, and the tombstone then takes
// random events without changing (refusals only add to the audit chain and the dedupe ids).
TEST_F(EngineRandomTest, WithRetentionEveryEndIsPurgedAndTheTombstoneStays) {
  config_.retain_finished = std::chrono::hours(1);
  for (const auto& channel : catalog_.channels()) {
    for (std::uint64_t seed = 1; seed <= 30; ++seed) {
      RandomWalk walk(config_, seed * 104729 + channel.size());
      walk.start_with(channel);
      for (int i = 0; i < 400 && !(walk.state() && walk.state()->purged()); ++i) {
        ASSERT_NO_THROW(i < 120 ? walk.step() : walk.timer()) << channel << " seed " << seed;
        walk.check_invariants(channel);
        if (HasFatalFailure()) return;
      }
      ASSERT_TRUE(walk.state() && walk.state()->purged())
          << channel << " seed " << seed << " at "
          << (walk.state() ? state_to_json(*walk.state()).dump() : "no state");
      const auto tomb = *walk.state();
      for (int i = 0; i < 60; ++i) {
        ASSERT_NO_THROW(walk.step()) << channel << " seed " << seed;
        walk.check_invariants(channel);
        const auto& s = *walk.state();
        ASSERT_TRUE(s.purged());
        EXPECT_EQ(s.status(), tomb.status());
        EXPECT_EQ(s.created_at, tomb.created_at);
        EXPECT_EQ(s.state_version, tomb.state_version);
        EXPECT_EQ(s.purged_at, tomb.purged_at);
        if (HasFailure()) return;
      }
    }
  }
}

}  // namespace
}  // namespace enroll
