// Scenarios of the connector simulators: parsing, the nth answer per key and task, how an
// answer changes the default reply, and which key the responder tries first.
#include <gtest/gtest.h>

#include "sim/population.hpp"
#include "sim/responder.hpp"
#include "sim/scenario.hpp"

namespace enroll::sim {
namespace {

using nlohmann::json;

TaskRequestView request(std::string subject, std::string task, json inputs,
                        std::string request_id = "") {
  if (request_id.empty()) request_id = subject + "/" + task + "/0.1";
  return {std::move(subject), std::move(request_id), std::move(task), 1, std::move(inputs)};
}

TEST(SimScenario, ParsesAnswersAndGivesTheNthOneThenTheDefault) {
  auto s = Scenario::parse(R"({
    "reg-1": {"face.liveness": [{"outputs": {"liveness": 0.1}}, {},
                                {"status": "failed", "error": {"code": "no_face"}}]}
  })");
  EXPECT_FALSE(s.empty());
  EXPECT_TRUE(s.covers("reg-1", "face.liveness"));
  EXPECT_FALSE(s.covers("reg-1", "card.front.ocr"));
  EXPECT_FALSE(s.covers("reg-2", "face.liveness"));

  const auto first = s.next("reg-1", "face.liveness", "r1");
  ASSERT_TRUE(first);
  EXPECT_EQ(first->outputs, json({{"liveness", 0.1}}));
  EXPECT_FALSE(first->status);
  const auto second = s.next("reg-1", "face.liveness", "r2");
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->outputs.empty());
  const auto third = s.next("reg-1", "face.liveness", "r3");
  ASSERT_TRUE(third);
  EXPECT_EQ(third->status, "failed");
  EXPECT_EQ(third->error_code, "no_face");
  EXPECT_FALSE(s.next("reg-1", "face.liveness", "r4"));  // used up: the default answer
  EXPECT_FALSE(s.next("reg-2", "face.liveness", "r5"));
}

TEST(SimScenario, ARedeliveredRequestGetsTheSameAnswerAndDoesNotCount) {
  auto s = Scenario::parse(std::string_view(
      R"({"c": {"card.verify": [{"status": "retryable", "error": {"code": "timeout"}},
                                {"outputs": {"card_status": "expired"}}]}})"));
  EXPECT_EQ(s.next("c", "card.verify", "a")->status, "retryable");
  EXPECT_EQ(s.next("c", "card.verify", "a")->status, "retryable");  // the same request again
  EXPECT_EQ(s.next("c", "card.verify", "b")->outputs.value("card_status", ""), "expired");
  EXPECT_FALSE(s.next("c", "card.verify", "c"));
}

TEST(SimScenario, ParsesDropAndDelay) {
  auto s = Scenario::parse(
      std::string_view(R"({"r": {"review.request": [{"drop": true}, {"delay_ms": 250}]}})"));
  EXPECT_TRUE(s.next("r", "review.request")->drop);
  const auto delayed = s.next("r", "review.request");
  EXPECT_FALSE(delayed->drop);
  EXPECT_EQ(delayed->delay, std::chrono::milliseconds(250));
}

TEST(SimScenario, RejectsMalformedScenariosWithTheirPlace) {
  const auto error_of = [](std::string_view text) -> std::string {
    try {
      Scenario::parse(text);
    } catch (const ScenarioError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(error_of("[1]"), "");
  EXPECT_NE(error_of("{not json"), "");
  EXPECT_NE(error_of(R"({"k": []})"), "");
  EXPECT_NE(error_of(R"({"k": {"t": {}}})"), "");
  EXPECT_NE(error_of(R"({"k": {"t": [1]}})"), "");
  EXPECT_NE(error_of(R"({"k": {"t": [{"status": "maybe"}]}})").find("k.t[0].status"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"k": {"t": [{}, {"delay_ms": -1}]}})").find("k.t[1].delay_ms"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"k": {"t": [{"ouputs": {}}]}})").find("unknown field"), std::string::npos);
  EXPECT_NE(error_of(R"({"k": {"t": [{"drop": "yes"}]}})"), "");
  EXPECT_NE(error_of(R"({"k": {"t": [{"error": {"code": 4}}]}})"), "");
  EXPECT_EQ(error_of(R"({})"), "");
}

TEST(SimScenario, ApplyMergesOutputsOverTheDefaultOrReplacesAFailure) {
  TaskReply base;
  base.outputs = {{"laser_code", "AB1234567890"}, {"sharpness", 0.91}};

  ScenarioAnswer blur;
  blur.outputs = {{"sharpness", 0.1}};
  const auto merged = apply(blur, base);
  EXPECT_EQ(merged.status, "ok");
  EXPECT_EQ(merged.outputs.value("laser_code", ""), "AB1234567890");
  EXPECT_DOUBLE_EQ(merged.outputs.value("sharpness", 0.0), 0.1);

  ScenarioAnswer fail;
  fail.status = "failed";
  fail.error_code = "not_enrolled";
  const auto failed = apply(fail, base);
  EXPECT_EQ(failed.status, "failed");
  EXPECT_EQ(failed.error_code, "not_enrolled");
  EXPECT_TRUE(failed.outputs.empty());

  ScenarioAnswer retry;
  retry.status = "retryable";
  EXPECT_EQ(apply(retry, base).error_code, "scenario");  // a code is always present

  ScenarioAnswer ok;
  ok.status = "ok";
  const auto recovered = apply(ok, failed_reply("blurry", "x"));
  EXPECT_EQ(recovered.status, "ok");
  EXPECT_TRUE(recovered.error_code.empty());
}

TEST(SimScenario, KeysAreTheRegistrationThenTheCitizenOfTheRequest) {
  const auto c = citizen(42);
  EXPECT_EQ(
      scenario_keys("capture", request("reg", "face.liveness", {{"image_ref", selfie_ref(c, 1)}})),
      (std::vector<std::string>{"reg", c.citizen_id}));
  EXPECT_EQ(scenario_keys("registry", request("reg", "card.verify", {{"citizen_id", "x"}})),
            (std::vector<std::string>{"reg", "x"}));
  EXPECT_EQ(scenario_keys("officer", request("reg", "review.request", json::object())),
            (std::vector<std::string>{"reg"}));
  EXPECT_EQ(scenario_keys("capture", request("reg", "card.chip.read", json::object())),
            (std::vector<std::string>{"reg", card_in_reader("reg").citizen_id}));
}

TEST(SimScenario, TheResponderTriesTheRegistrationFirstThenTheCitizen) {
  const auto c = citizen(7);
  const json doc = json::parse(R"({
    "reg-a": {"face.liveness": [{"outputs": {"liveness": 0.5}}]},
    ")" + c.citizen_id + R"(": {
      "face.liveness": [{"outputs": {"liveness": 0.2}}],
      "identity.reactivate": [{"status": "failed", "error": {"code": "not_enrolled"}}]}
  })");
  Responder r(Behaviour{}, Scenario::from_json(doc));
  const auto selfie = json{{"image_ref", selfie_ref(c, 1)}};

  auto a = r.respond("capture", request("reg-a", "face.liveness", selfie));
  ASSERT_TRUE(a.reply);
  EXPECT_DOUBLE_EQ(a.reply->outputs.value("liveness", 0.0), 0.5);  // the registration's
  a = r.respond("capture", request("reg-a", "face.liveness", selfie, "again"));
  EXPECT_DOUBLE_EQ(a.reply->outputs.value("liveness", 0.0), 0.97);  // its list is used up

  auto b = r.respond("capture", request("reg-b", "face.liveness", selfie));
  EXPECT_DOUBLE_EQ(b.reply->outputs.value("liveness", 0.0), 0.2);  // the citizen's

  auto re =
      r.respond("registry", request("reg-b", "identity.reactivate",
                                    {{"citizen_id", c.citizen_id}, {"device", json::object()}}));
  EXPECT_EQ(re.reply->status, "failed");
  EXPECT_EQ(re.reply->error_code, "not_enrolled");
}

TEST(SimScenario, TheResponderDropsDelaysAndStartsFromTheCleanDefault) {
  const auto c = citizen(9);
  const json doc = json::parse(R"({
    "reg": {"qr.display": [{"drop": true}, {"delay_ms": 1500}], "face.liveness": [{}]}
  })");
  Behaviour always_failing;
  always_failing.unavailable_rate = 1.0;
  Responder r(always_failing, Scenario::from_json(doc));
  const json qr{{"token", "t"}, {"expires_at", "x"}};

  const auto dropped = r.respond("officer", request("reg", "qr.display", qr, "q1"));
  EXPECT_FALSE(dropped.reply);
  const auto delayed = r.respond("officer", request("reg", "qr.display", qr, "q2"));
  ASSERT_TRUE(delayed.reply);
  EXPECT_EQ(delayed.reply->status, "ok");  // scripted: the injected failure does not apply
  EXPECT_EQ(delayed.delay, std::chrono::milliseconds(1500));

  const auto scripted = r.respond(
      "capture", request("reg", "face.liveness", {{"image_ref", selfie_ref(c, 1)}}, "f1"));
  EXPECT_EQ(scripted.reply->status, "ok");
  const auto unscripted = r.respond(
      "capture", request("reg", "face.liveness", {{"image_ref", selfie_ref(c, 2)}}, "f2"));
  EXPECT_EQ(unscripted.reply->status, "retryable");  // past the list: the behaviour again
  EXPECT_EQ(unscripted.reply->error_code, "unavailable");
}

}  // namespace
}  // namespace enroll::sim
