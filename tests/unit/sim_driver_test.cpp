// The citizen driver, fed synthetic events: the command it answers for each awaiting of
// each channel, QR tokens from the officer's screen, personas, outcomes; and the channel mix.
#include <gtest/gtest.h>

#include "adapters/codec/envelope.hpp"
#include "errors/errc.hpp"
#include "sim/channel_mix.hpp"
#include "sim/citizen_driver.hpp"
#include "tests/unit/test_trust.hpp"

namespace enroll::sim {
namespace {

using nlohmann::json;

class SimDriverTest : public ::testing::Test {
 protected:
  crypto::SealKeyPair keys_ = crypto::generate_seal_keypair();
  CitizenDriver driver_{testing::test_signers(), keys_.pub, "/test/citizens", "self-service"};
  int events_ = 0;

  json event(const std::string& id, const std::string& type, json data) {
    return codec::envelope({"ev-" + std::to_string(++events_), "/enrollmentd", type, id},
                           std::move(data));
  }
  json awaiting(const std::string& id, const std::string& phase, const std::string& expects,
                const char* reason = nullptr) {
    return event(id, "registration.awaiting",
                 {{"phase", phase},
                  {"step", "s"},
                  {"expects", json::array({expects})},
                  {"attempts_left", 3},
                  {"reason", reason ? json{{"code", reason}, {"detail", ""}} : json(nullptr)}});
  }
  json qr_display(const std::string& id, const std::string& token) {
    return {{"type", "task.request"},
            {"id", "rq-" + token},
            {"subject", id},
            {"data",
             {{"request_id", id + "/counter-qr/0.1"},
              {"task", "qr.display"},
              {"attempt", 1},
              {"inputs", {{"token", token}, {"expires_at", "2030-01-01T00:00:00Z"}}}}}};
  }
  // The one command the driver sends for `in`: type and data.
  std::pair<std::string, json> only(const std::vector<Command>& out) {
    EXPECT_EQ(out.size(), 1u);
    if (out.empty()) return {"", json()};
    const auto ev = json::parse(out.front().value);
    return {ev.value("type", ""), ev.value("data", json::object())};
  }
  std::pair<std::string, json> answer(const std::string& id, const std::string& phase,
                                      const std::string& expects) {
    return only(driver_.on_event(awaiting(id, phase, expects)));
  }
  std::string opened(const json& sealed) {
    const auto p = crypto::open_sealed_passcode(sealed.get<std::string>(), keys_);
    if (!p) return "<unreadable>";
    EXPECT_EQ(p->step, "s");  // the step of the registration.awaiting it answers
    return std::string(p->passcode.view());
  }
  json start_data(const std::string& id, std::uint64_t n, const std::string& channel,
                  Persona p = Persona::none) {
    const auto cmd = driver_.start(id, n, channel, p);
    EXPECT_EQ(cmd.key, id);
    const auto ev = json::parse(cmd.value);
    EXPECT_EQ(ev.value("type", ""), "registration.start");
    EXPECT_EQ(ev.value("subject", ""), id);
    return ev.value("data", json::object());
  }
};

TEST_F(SimDriverTest, SelfServiceAnswersEveryStepAndEndsIssued) {
  const auto c = citizen(11);
  const auto start = start_data("r1", 11, "self-service");
  EXPECT_EQ(start.value("channel", ""), "self-service");
  EXPECT_FALSE(start.contains("citizen_id"));

  EXPECT_EQ(answer("r1", "consent", "terms.accept").first, "terms.accept");
  auto [type, data] = answer("r1", "card", "card.front.capture");
  EXPECT_EQ(type, "card.front.capture");
  EXPECT_EQ(data.value("image_ref", ""), card_front_ref(c, 1));
  EXPECT_EQ(answer("r1", "card", "card.front.capture").second.value("image_ref", ""),
            card_front_ref(c, 2));  // a retake is a new photo
  EXPECT_EQ(answer("r1", "card", "card.back.capture").second.value("image_ref", ""),
            card_back_ref(c, 1));
  EXPECT_EQ(answer("r1", "review", "card.data.confirm").second.value("confirmed", false), true);
  EXPECT_EQ(answer("r1", "biometrics", "selfie.capture").second.value("image_ref", ""),
            selfie_ref(c, 1));
  std::tie(type, data) = answer("r1", "pin", "passcode.set");
  EXPECT_EQ(opened(data["sealed"]), passcode_for(11));
  EXPECT_EQ(opened(data["sealed_repeat"]), passcode_for(11));
  std::tie(type, data) = answer("r1", "consent-confirm", "consent.confirm");
  EXPECT_EQ(opened(data["sealed"]), passcode_for(11));

  EXPECT_EQ(driver_.finished(), 0u);
  EXPECT_TRUE(driver_.on_event(event("r1", "registration.issued", {{"digital_id", "D"}})).empty());
  EXPECT_EQ(driver_.outcome_of("r1"), Outcome::issued);
  EXPECT_EQ(driver_.finished(), 1u);
  EXPECT_TRUE(driver_.on_event(awaiting("r1", "pin", "passcode.set")).empty());  // over
}

TEST_F(SimDriverTest, OfficerAssistedStartsWithTheCheckedCardAndScansTheShownToken) {
  const auto c = citizen(12);
  const auto start = start_data("r2", 12, "officer-assisted");
  EXPECT_EQ(start.value("citizen_id", ""), c.citizen_id);
  EXPECT_FALSE(start["officer"].value("id", "").empty());
  EXPECT_FALSE(start["officer"].value("counter", "").empty());

  EXPECT_EQ(answer("r2", "consent", "permissions.grant").second["permissions"].size(), 2u);
  EXPECT_EQ(answer("r2", "consent", "terms.accept").first, "terms.accept");
  EXPECT_EQ(answer("r2", "card", "citizen_id.enter").second.value("citizen_id", ""), c.citizen_id);
  const auto [type, data] = answer("r2", "biometrics", "fingerprint.capture");
  EXPECT_EQ(type, "fingerprint.capture");
  EXPECT_EQ(data.value("template_ref", ""), fingerprint_ref(c, 1));
  EXPECT_EQ(data.value("finger", ""), "right-index");
  // The officer who opened it, as the engine checks it (workflows/authorise.hpp).
  EXPECT_EQ(data.at("officer").at("id"), start["officer"]["id"]);

  // qr.scan asked before the officer's screen was read: it waits for the token.
  EXPECT_TRUE(driver_.on_event(awaiting("r2", "biometrics", "qr.scan")).empty());
  auto scanned = only(driver_.on_request(qr_display("r2", "T1")));
  EXPECT_EQ(scanned.first, "qr.scan");
  EXPECT_EQ(scanned.second.value("token", ""), "T1");
  EXPECT_TRUE(driver_.on_request(qr_display("r2", "T1")).empty());  // redelivered

  // Expired: asked again; the used token is not sent twice, the fresh one is.
  EXPECT_TRUE(driver_.on_event(awaiting("r2", "biometrics", "qr.scan", "qr_expired")).empty());
  scanned = only(driver_.on_request(qr_display("r2", "T2")));
  EXPECT_EQ(scanned.second.value("token", ""), "T2");

  // A token seen before the question is used at once.
  EXPECT_TRUE(driver_.on_request(qr_display("r2", "T3")).empty());
  EXPECT_EQ(answer("r2", "biometrics", "qr.scan").second.value("token", ""), "T3");

  EXPECT_EQ(answer("r2", "pin", "passcode.set").first, "passcode.set");
  EXPECT_EQ(answer("r2", "consent-confirm", "consent.confirm").first, "consent.confirm");
}

TEST_F(SimDriverTest, OnRequestIgnoresOtherRegistrationsAndTasks) {
  start_data("r3", 13, "officer-assisted");
  EXPECT_TRUE(driver_.on_request(qr_display("someone-else", "X")).empty());
  auto review = qr_display("r3", "Y");
  review["data"]["task"] = "review.request";
  EXPECT_TRUE(driver_.on_request(review).empty());
  EXPECT_TRUE(driver_.on_request(json("not an event")).empty());
  // Neither was remembered as a token.
  EXPECT_TRUE(driver_.on_event(awaiting("r3", "biometrics", "qr.scan")).empty());
}

TEST_F(SimDriverTest, PasscodeResetStartsWithTheCitizenAndSetsANewPasscode) {
  const auto c = citizen(14);
  const auto start = start_data("r4", 14, "passcode-reset");
  EXPECT_EQ(start.value("citizen_id", ""), c.citizen_id);
  EXPECT_FALSE(start.contains("officer"));
  EXPECT_EQ(answer("r4", "biometrics", "selfie.capture").second.value("image_ref", ""),
            selfie_ref(c, 1));
  EXPECT_EQ(opened(answer("r4", "pin", "passcode.set").second["sealed"]), passcode_for(14));
  EXPECT_EQ(opened(answer("r4", "consent-confirm", "consent.confirm").second["sealed"]),
            passcode_for(14));
}

TEST_F(SimDriverTest, KioskCitizenIsTheCardInTheReader) {
  const auto start = start_data("r5", 15, "kiosk");
  EXPECT_EQ(start["device"].value("platform", ""), "kiosk");
  EXPECT_FALSE(start.contains("citizen_id"));
  EXPECT_EQ(answer("r5", "consent", "terms.accept").first, "terms.accept");
  EXPECT_EQ(answer("r5", "review", "card.data.confirm").second.value("confirmed", false), true);
  const auto selfie = answer("r5", "biometrics", "selfie.capture").second.value("image_ref", "");
  EXPECT_EQ(owner_of(selfie)->citizen_id, card_in_reader("r5").citizen_id);
  EXPECT_EQ(answer("r5", "pin", "passcode.set").first, "passcode.set");
  EXPECT_EQ(answer("r5", "consent-confirm", "consent.confirm").first, "consent.confirm");
}

TEST_F(SimDriverTest, PersonasErrOnceThenBehave) {
  start_data("u", 21, "self-service", Persona::unconfirm_card_once);
  EXPECT_EQ(answer("u", "review", "card.data.confirm").second.value("confirmed", true), false);
  EXPECT_EQ(answer("u", "review", "card.data.confirm").second.value("confirmed", false), true);

  start_data("w", 22, "self-service", Persona::weak_passcode_once);
  auto weak = answer("w", "pin", "passcode.set").second;
  EXPECT_EQ(opened(weak["sealed"]), "12345678");
  EXPECT_EQ(opened(weak["sealed_repeat"]), "12345678");
  EXPECT_EQ(opened(answer("w", "pin", "passcode.set").second["sealed"]), passcode_for(22));

  start_data("x", 23, "self-service", Persona::wrong_passcode_once);
  EXPECT_EQ(opened(answer("x", "pin", "passcode.set").second["sealed"]), passcode_for(23));
  const auto wrong = opened(answer("x", "consent-confirm", "consent.confirm").second["sealed"]);
  EXPECT_NE(wrong, passcode_for(23));
  EXPECT_EQ(wrong.size(), 8u);
  EXPECT_EQ(opened(answer("x", "consent-confirm", "consent.confirm").second["sealed"]),
            passcode_for(23));
}

TEST_F(SimDriverTest, CancelPersonaCancelsAtTheFirstBiometricsQuestionOnly) {
  start_data("k", 24, "officer-assisted", Persona::cancel);
  EXPECT_EQ(answer("k", "card", "citizen_id.enter").first, "citizen_id.enter");
  const auto [type, data] = answer("k", "biometrics", "fingerprint.capture");
  EXPECT_EQ(type, "registration.cancel");
  EXPECT_FALSE(data.value("reason", "").empty());
  EXPECT_EQ(answer("k", "biometrics", "fingerprint.capture").first, "fingerprint.capture");
  driver_.on_event(event("k", "registration.cancelled",
                         {{"reason", {{"code", "cancelled_by_citizen"}, {"detail", "citizen"}}}}));
  EXPECT_EQ(driver_.outcome_of("k"), Outcome::cancelled);
  EXPECT_EQ(driver_.cannot_issue(), 1u);
}

TEST_F(SimDriverTest, PersonaDrawsAreDeterministicAtTheGivenRate) {
  PersonaSettings none;
  EXPECT_EQ(draw_persona(5, none), Persona::none);
  PersonaSettings all{1.0, 3, all_personas()};
  PersonaSettings half{0.5, 3, {Persona::cancel, Persona::weak_passcode_once}};
  std::size_t with = 0;
  std::map<Persona, int> kinds;
  for (std::uint64_t n = 0; n < 4000; ++n) {
    EXPECT_NE(draw_persona(n, all), Persona::none);
    const Persona p = draw_persona(n, half);
    EXPECT_EQ(p, draw_persona(n, half));
    if (p != Persona::none) ++with;
    ++kinds[p];
  }
  EXPECT_GT(with, 1800u);
  EXPECT_LT(with, 2200u);
  EXPECT_EQ(kinds.size(), 3u);  // none, cancel, weak_passcode_once
  EXPECT_EQ(kinds.count(Persona::wrong_passcode_once), 0u);
  PersonaSettings other_seed{0.5, 4, half.kinds};
  int differ = 0;
  for (std::uint64_t n = 0; n < 100; ++n)
    differ += draw_persona(n, half) != draw_persona(n, other_seed);
  EXPECT_GT(differ, 10);
  EXPECT_EQ(persona_from_string("wrong_passcode_once"), Persona::wrong_passcode_once);
  EXPECT_FALSE(persona_from_string("grumpy"));
}

TEST_F(SimDriverTest, StartWithoutPersonaUsesTheDraw) {
  CitizenDriver always(testing::test_signers(), keys_.pub, "/t", "self-service",
                       PersonaSettings{1.0, 1, {Persona::cancel}});
  always.start("p", 1);
  EXPECT_EQ(always.persona_of("p"), Persona::cancel);
  driver_.start("q", 1);
  EXPECT_EQ(driver_.persona_of("q"), Persona::none);
}

TEST_F(SimDriverTest, ARefusedStartIsFailedToStart) {
  start_data("f", 31, "kiosk");
  driver_.on_event(event("f", "command.rejected",
                         {{"reason", {{"code", "unknown_channel"}, {"detail", "kiosk"}}},
                          {"command", "registration.start"}}));
  EXPECT_EQ(driver_.outcome_of("f"), Outcome::failed_to_start);
  EXPECT_EQ(driver_.finished(), 1u);
  const auto stats = driver_.channel_stats();
  EXPECT_EQ(stats.at("kiosk").outcomes.at(Outcome::failed_to_start), 1u);
  EXPECT_EQ(stats.at("kiosk").start_rejected_reason, "unknown_channel: kiosk");

  // A refused command later in a journey does not end it.
  start_data("g", 32, "self-service");
  driver_.on_event(event("g", "registration.started", json::object()));
  driver_.on_event(event("g", "command.rejected",
                         {{"reason", {{"code", "already_started"}, {"detail", ""}}},
                          {"command", "registration.start"}}));
  EXPECT_EQ(driver_.outcome_of("g"), Outcome::pending);
}

TEST_F(SimDriverTest, DuplicatesAreIgnoredAndALockedJourneyResumes) {
  start_data("d", 41, "self-service");
  auto ev = awaiting("d", "consent", "terms.accept");
  EXPECT_EQ(driver_.on_event(ev).size(), 1u);
  EXPECT_TRUE(driver_.on_event(ev).empty());  // the same event id again

  driver_.on_event(event("d", "registration.locked",
                         {{"reason", {{"code", "attempts_exhausted"}, {"detail", "selfie"}}}}));
  EXPECT_EQ(driver_.outcome_of("d"), Outcome::locked);
  EXPECT_EQ(driver_.finished(), 1u);
  EXPECT_EQ(answer("d", "biometrics", "selfie.capture").first, "selfie.capture");
  EXPECT_EQ(driver_.outcome_of("d"), Outcome::pending);
  EXPECT_EQ(driver_.finished(), 0u);
}

TEST_F(SimDriverTest, AnIncidentIsAnOutcomeUntilAnOperatorResumesOrEndsIt) {
  start_data("i", 42, "self-service");
  driver_.on_event(event("i", "registration.incident",
                         {{"reason", {{"code", "task_failed"}, {"detail", "card.verify: timeout"}}},
                          {"task", "card.verify"},
                          {"error", "timeout"}}));
  EXPECT_EQ(driver_.outcome_of("i"), Outcome::incident);
  EXPECT_EQ(to_string(Outcome::incident), "incident");
  EXPECT_EQ(driver_.finished(), 1u);
  // An operator's retry: the step completes and the journey goes on.
  driver_.on_event(event("i", "step.completed", {{"phase", "review"}, {"step", "verify-card"}}));
  EXPECT_EQ(driver_.outcome_of("i"), Outcome::pending);
  EXPECT_EQ(driver_.finished(), 0u);
  // Parked again, then cancelled by an operator: the cancellation is the outcome.
  driver_.on_event(event("i", "registration.incident", {{"task", "card.verify"}}));
  driver_.on_event(event("i", "registration.cancelled",
                         {{"reason", {{"code", "operator_cancel"}, {"detail", "x"}}}}));
  EXPECT_EQ(driver_.outcome_of("i"), Outcome::cancelled);
  EXPECT_EQ(driver_.finished(), 1u);
}

TEST_F(SimDriverTest, CountsOutcomesPerChannel) {
  start_data("a", 1, "self-service");
  start_data("b", 2, "officer-assisted", Persona::cancel);
  start_data("c", 3, "officer-assisted");
  driver_.on_event(event("a", "registration.issued", json::object()));
  driver_.on_event(event("b", "registration.cancelled", json::object()));
  const auto stats = driver_.channel_stats();
  ASSERT_EQ(stats.size(), 2u);
  EXPECT_EQ(stats.at("self-service").registrations, 1u);
  EXPECT_EQ(stats.at("self-service").outcomes.at(Outcome::issued), 1u);
  const auto& officer = stats.at("officer-assisted");
  EXPECT_EQ(officer.registrations, 2u);
  EXPECT_EQ(officer.outcomes.at(Outcome::cancelled), 1u);
  EXPECT_EQ(officer.outcomes.at(Outcome::pending), 1u);
  EXPECT_EQ(officer.personas.at(Persona::cancel), 1u);
}

TEST(SimChannelMix, FollowsTheWeightsOverEveryStretch) {
  auto mix = ChannelMix::parse("self-service=60,officer-assisted=20,passcode-reset=10,kiosk=10");
  std::map<std::string, int> counts;
  for (int i = 0; i < 100; ++i) ++counts[mix.next()];
  EXPECT_EQ(counts["self-service"], 60);
  EXPECT_EQ(counts["officer-assisted"], 20);
  EXPECT_EQ(counts["passcode-reset"], 10);
  EXPECT_EQ(counts["kiosk"], 10);
  counts.clear();
  for (int i = 0; i < 10; ++i) ++counts[mix.next()];
  EXPECT_EQ(counts["self-service"], 6);
  EXPECT_EQ(counts["kiosk"], 1);

  auto one = ChannelMix::single("kiosk");
  EXPECT_EQ(one.next(), "kiosk");
  EXPECT_EQ(ChannelMix::parse("a=1,b=0").channels(), std::vector<std::string>{"a"});
}

TEST(SimChannelMix, RejectsBadSpecs) {
  for (const char* bad : {"", "self-service", "a=x", "a=-1", "=3", "a=0", "a=1,a=2", "a=1.5"}) {
    EXPECT_THROW(ChannelMix::parse(bad), Error) << bad;
  }
}

}  // namespace
}  // namespace enroll::sim
