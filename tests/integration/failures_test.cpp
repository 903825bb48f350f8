// The ways each step fails, through the real stack: the connector simulators give the
// outcomes a test sets per citizen or registration (their --scenario file).
#include <thread>

#include "tests/integration/orchestrator_fixture.hpp"

namespace enroll::test {
namespace {
using namespace std::chrono_literals;
using nlohmann::json;

std::vector<json> typed(const std::vector<json>& events, const std::string& type) {
  std::vector<json> out;
  for (const auto& e : events) {
    if (e.at("type") == type) out.push_back(e);
  }
  return out;
}

// One registration of citizen kCitizen, whose connector outcomes the subclass scripts.
class ScriptedTest : public OrchestratorTest {
 protected:
  static constexpr std::uint64_t kCitizen = 5150;
  std::string citizen_id() const { return sim::citizen(kCitizen).citizen_id; }
  virtual json script() = 0;
  json scenario() override { return json{{citizen_id(), script()}}; }

  std::vector<json> run(const std::string& channel, std::chrono::seconds timeout = 90s,
                        bool locked_is_final = false) {
    sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen", channel);
    const auto start = driver.start(id_, kCitizen, channel, sim::Persona::none);
    send(start.key, start.value);
    const auto all = drive(driver, {id_}, timeout, locked_is_final);
    outcome_ = driver.outcome_of(id_);
    return of(all, id_);
  }
  std::string id_ = unique_name("reg");  // known before SetUp writes the scenario
  std::optional<sim::Outcome> outcome_;
};

class BlurryPhotoTest : public ScriptedTest {
  json script() override {
    return {{"card.front.ocr", {{{"status", "failed"}, {"error", {{"code", "blurry"}}}}}}};
  }
};
TEST_F(BlurryPhotoTest, AsksForARetakeWithTheReasonThenGoesOn) {
  const auto events = run("self-service");
  EXPECT_EQ(outcome_, sim::Outcome::issued);
  bool retake = false;
  // The OCR connector's own "blurry" (a failed result): the reason names the connector's code.
  const json reason{{"code", "connector_error"}, {"detail", "blurry"}};
  for (const auto& e : typed(events, "registration.awaiting")) {
    if (e["data"]["step"] == "card-front" && e["data"]["reason"] == reason) {
      retake = true;
      EXPECT_EQ(e["data"]["attempts_left"], 4);
    }
  }
  EXPECT_TRUE(retake) << "no retake of the front photo with reason blurry";
}

class RegistryUnavailableTest : public ScriptedTest {
  json script() override {
    const json busy{{"status", "retryable"}, {"error", {{"code", "unavailable"}}}};
    return {{"card.verify", {busy, busy}}};
  }
};
TEST_F(RegistryUnavailableTest, BacksOffAndRetriesThenSucceeds) {
  const auto events = run("self-service");
  EXPECT_EQ(outcome_, sim::Outcome::issued);
  const auto failed = typed(events, "step.failed");
  ASSERT_EQ(failed.size(), 2u);
  for (const auto& f : failed) {
    EXPECT_EQ(f["data"]["step"], "verify-card");
    EXPECT_EQ(f["data"]["retryable"], true);
    EXPECT_TRUE(f["data"]["next_attempt_at"].is_string());
  }
  // Backoff: the second wait is twice the first (1 s, 2 s in self-service).
  TopicReader registry(services_.brokers(), topics_.requests("registry"));
  registry.read_to_end();
  std::vector<int> attempts;
  for (const auto& r : of(registry.messages(), id_)) {
    if (r["data"]["task"] == "card.verify") attempts.push_back(r["data"]["attempt"]);
  }
  EXPECT_EQ(attempts, (std::vector<int>{1, 2, 3}));
}

class RevokedCardTest : public ScriptedTest {
  json script() override {
    return {{"card.verify", {{{"outputs", {{"code", 0}, {"card_status", "revoked"}}}}}}};
  }
};
TEST_F(RevokedCardTest, RejectsAndReleasesTheCitizen) {
  const auto events = run("self-service");
  EXPECT_EQ(outcome_, sim::Outcome::rejected);
  ASSERT_FALSE(typed(events, "registration.rejected").empty());
  EXPECT_EQ(typed(events, "registration.rejected").back()["data"]["reason"]["code"],
            "card_revoked");
  // The claim on the citizen ended with the registration.
  for (int i = 0; i < 50; ++i) {
    if (redis_keys(ns_ + ":citizen:*").empty()) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(redis_keys(ns_ + ":citizen:*").empty());
}

class SelfiesExhaustedTest : public ScriptedTest {
  json script() override {
    const json low{{"outputs", {{"liveness", 0.1}}}};
    return {{"face.liveness", {low, low, low}}};
  }
};
TEST_F(SelfiesExhaustedTest, LocksForTheCoolDown) {
  const auto events = run("self-service", 90s, true);
  EXPECT_EQ(outcome_, sim::Outcome::locked);
  const auto locked = typed(events, "registration.locked");
  ASSERT_EQ(locked.size(), 1u);
  EXPECT_EQ(locked[0]["data"]["step"], "selfie");
  EXPECT_TRUE(locked[0]["data"]["until"].is_string());
  const auto asked = typed(events, "registration.awaiting");
  std::vector<json> lefts;
  for (const auto& a : asked) {
    if (a["data"]["step"] == "selfie") lefts.push_back(a["data"]["attempts_left"]);
  }
  EXPECT_EQ(lefts, (std::vector<json>{3, 2, 1}));
  EXPECT_EQ(stored_state(id_)->at("machine"), "locked");
}

class OfficerRejectsTest : public ScriptedTest {
  json script() override {
    return {{"review.request",
             {{{"outputs", {{"decision", "reject"}, {"reason", "photo mismatch"}}}}}}};
  }
  // Officer tasks are keyed by the registration.
  json scenario() override { return json{{id_, script()}}; }
};
TEST_F(OfficerRejectsTest, RejectsTheRegistration) {
  const auto events = run("officer-assisted");
  EXPECT_EQ(outcome_, sim::Outcome::rejected);
  ASSERT_FALSE(typed(events, "registration.rejected").empty());
  EXPECT_EQ(typed(events, "registration.rejected").back()["data"]["reason"],
            (json{{"code", "officer_rejected"}, {"detail", "photo mismatch"}}));
}

class StepTimeoutTest : public ScriptedTest {
  json script() override { return {{"face.match", {{{"drop", true}}}}}; }
  void adjust_definition(json& def) override {
    for (auto& step : def["steps"]) {
      if (step["name"] == "face-match") step["timeout_s"] = 2;
    }
  }
};
TEST_F(StepTimeoutTest, TheDeadlineRetriesTheTask) {
  const auto events = run("self-service");
  EXPECT_EQ(outcome_, sim::Outcome::issued);
  const auto failed = typed(events, "step.failed");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0]["data"]["step"], "face-match");
  EXPECT_EQ(failed[0]["data"]["error"], "timeout");
}

class ExpiryTest : public ScriptedTest {
  json script() override { return json::object(); }
  void adjust_definition(json& def) override { def["expire_after_s"] = 2; }
};
TEST_F(ExpiryTest, ARegistrationWithoutProgressExpires) {
  id_ = unique_name("idle");
  sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
  const auto start = driver.start(id_, kCitizen, "self-service", sim::Persona::none);
  send(start.key, start.value);  // and then nothing: the citizen walks away
  TopicReader events(services_.brokers(), topics_.events());
  ASSERT_TRUE(events.poll_until(
      [&](const auto& all) { return !typed(of(all, id_), "registration.expired").empty(); }, 30s));
  EXPECT_EQ(stored_state(id_)->at("machine"), "expired");
}

class OneActiveRegistrationTest : public ScriptedTest {
  json script() override { return json::object(); }
};
TEST_F(OneActiveRegistrationTest, ASecondRegistrationOfTheSameCitizenIsRefused) {
  sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen",
                            "officer-assisted");
  const std::string first = unique_name("first"), second = unique_name("second");
  auto cmd = driver.start(first, kCitizen, "officer-assisted", sim::Persona::none);
  send(cmd.key, cmd.value);
  TopicReader events(services_.brokers(), topics_.events());
  // The first holds the claim once it asks for permissions.
  ASSERT_TRUE(events.poll_until(
      [&](const auto& all) { return !typed(of(all, first), "registration.awaiting").empty(); },
      30s));
  cmd = driver.start(second, kCitizen, "officer-assisted", sim::Persona::none);
  send(cmd.key, cmd.value);
  ASSERT_TRUE(events.poll_until(
      [&](const auto& all) { return !typed(of(all, second), "registration.rejected").empty(); },
      30s));
  EXPECT_EQ(typed(of(events.messages(), second), "registration.rejected")[0]["data"]["reason"],
            (json{{"code", "connector_error"}, {"detail", "citizen_has_active_registration"}}));
}

class CitizenMistakesTest : public ScriptedTest {
  json script() override { return json::object(); }

 protected:
  std::vector<json> run_with(sim::Persona persona) {
    sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
    const auto start = driver.start(id_, kCitizen, "self-service", persona);
    send(start.key, start.value);
    const auto all = drive(driver, {id_}, 90s);
    outcome_ = driver.outcome_of(id_);
    return of(all, id_);
  }
  // The codes of the reasons the step was asked again with (the policy's violation for a
  // refused passcode).
  static std::vector<std::string> reasons_at(const std::vector<json>& events,
                                             const std::string& step) {
    std::vector<std::string> out;
    for (const auto& e : typed(events, "registration.awaiting")) {
      const auto& reason = e["data"]["reason"];
      if (e["data"]["step"] != step || !reason.is_object()) continue;
      out.push_back(reason["code"] == "passcode_refused" ? reason["detail"] : reason["code"]);
    }
    return out;
  }
};
TEST_F(CitizenMistakesTest, AWeakPasscodeIsRefusedWithItsReason) {
  const auto events = run_with(sim::Persona::weak_passcode_once);
  EXPECT_EQ(outcome_, sim::Outcome::issued);
  EXPECT_EQ(reasons_at(events, "set-passcode"), std::vector<std::string>{"passcode_sequence"});
}
TEST_F(CitizenMistakesTest, AWrongPasscodeAtConsentConfirmAsksAgain) {
  const auto events = run_with(sim::Persona::wrong_passcode_once);
  EXPECT_EQ(outcome_, sim::Outcome::issued);
  EXPECT_EQ(reasons_at(events, "confirm-consent"), std::vector<std::string>{"passcode_incorrect"});
}
TEST_F(CitizenMistakesTest, CardDataNotConfirmedGoesBackToTheCard) {
  const auto events = run_with(sim::Persona::unconfirm_card_once);
  EXPECT_EQ(outcome_, sim::Outcome::issued);
  EXPECT_EQ(reasons_at(events, "card-front"), std::vector<std::string>{"card_data_not_confirmed"});
}
TEST_F(CitizenMistakesTest, ACancelledRegistrationEnds) {
  const auto events = run_with(sim::Persona::cancel);
  EXPECT_EQ(outcome_, sim::Outcome::cancelled);
  EXPECT_EQ(stored_state(id_)->at("machine"), "cancelled");
}

}  // namespace
}  // namespace enroll::test
