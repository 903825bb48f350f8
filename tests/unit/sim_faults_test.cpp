// The connector simulators' answers and their injected failures: the right outputs per
// task, failures only at the configured share, on the first take of a recoverable one, and
// the same draws every time.
#include <gtest/gtest.h>

#include "sim/capture/capture_simulator.hpp"
#include "sim/officer/officer_simulator.hpp"
#include "sim/population.hpp"
#include "sim/registry/registry_simulator.hpp"

namespace enroll::sim {
namespace {

using nlohmann::json;

TaskRequestView req(std::string task, json inputs, std::string subject = "reg-1", int attempt = 1) {
  std::string id = subject + "/" + task + "/0." + std::to_string(attempt);
  return {std::move(subject), std::move(id), std::move(task), attempt, std::move(inputs)};
}

json verify_inputs(const SyntheticCitizen& c) {
  const std::string dob = std::to_string(std::stoi(c.date_of_birth.substr(0, 4)) + 543) +
                          c.date_of_birth.substr(5, 2) + c.date_of_birth.substr(8, 2);
  return {{"citizen_id", c.citizen_id},
          {"first_name", c.first_name},
          {"last_name", c.last_name},
          {"date_of_birth", dob},
          {"laser_code", c.laser_code}};
}

TEST(SimFaults, TheDrawsAreStableAcrossBuilds) {
  // Pinned: a change here changes which citizens fail in every simulated run.
  EXPECT_EQ(stable_hash("citizen", 1), 0x2ebd21eb8bf21e5dULL);
  EXPECT_EQ(stable_hash("", 0), 0x5b21f68ffa77f14cULL);
  std::string drawn;
  for (int i = 0; i < 20; ++i) drawn += chance("k" + std::to_string(i), 0.3, 1) ? '1' : '0';
  EXPECT_EQ(drawn, "00100000010011000100");
  EXPECT_FALSE(chance("k", 0.0, 1));
  EXPECT_TRUE(chance("k", 1.0, 1));
  // The kinds of failure draw independently for one key.
  int both = 0;
  for (int i = 0; i < 1000; ++i) {
    const auto key = std::to_string(i);
    both += draw("blurry", key, 0.5, 1) && draw("revoked", key, 0.5, 1);
  }
  EXPECT_GT(both, 180);
  EXPECT_LT(both, 320);
}

TEST(SimFaults, ReferencesCarryTheirTake) {
  const auto c = citizen(77);
  EXPECT_EQ(owner_of(card_front_ref(c, 3))->citizen_id, c.citizen_id);
  EXPECT_EQ(take_of(card_front_ref(c, 3)), 3);
  EXPECT_EQ(take_of(selfie_ref(c, 12)), 12);
  EXPECT_EQ(take_of(fingerprint_ref(c, 2)), 2);
  EXPECT_EQ(take_of("sim://card-front/" + c.citizen_id), 1);
  EXPECT_EQ(take_of("sim://selfie/x/5"), 1);
  EXPECT_EQ(card_in_reader("reg-9").citizen_id, card_in_reader("reg-9").citizen_id);
  EXPECT_NE(card_in_reader("reg-9").citizen_id, card_in_reader("reg-10").citizen_id);
  EXPECT_TRUE(lookup(card_in_reader("reg-9").citizen_id));
}

TEST(SimFaults, CaptureAnswersOcrChipAndLiveness) {
  const auto c = citizen(5);
  const Behaviour clean;
  const auto front =
      answer_capture(req("card.front.ocr", {{"image_ref", card_front_ref(c)}}), clean);
  EXPECT_EQ(front.status, "ok");
  EXPECT_EQ(front.outputs.value("citizen_id", ""), c.citizen_id);
  EXPECT_TRUE(front.outputs.contains("sharpness"));
  const auto back = answer_capture(req("card.back.ocr", {{"image_ref", card_back_ref(c)}}), clean);
  EXPECT_EQ(back.outputs.value("laser_code", ""), c.laser_code);

  const auto chip = answer_capture(req("card.chip.read", json::object(), "kiosk-reg"), clean);
  const auto holder = card_in_reader("kiosk-reg");
  EXPECT_EQ(chip.status, "ok");
  EXPECT_EQ(chip.outputs.value("citizen_id", ""), holder.citizen_id);
  EXPECT_EQ(chip.outputs.value("date_of_birth", ""), holder.date_of_birth);
  EXPECT_EQ(chip.outputs.value("laser_code", ""), holder.laser_code);
  EXPECT_FALSE(chip.outputs.contains("sharpness"));
  EXPECT_EQ(
      answer_capture(req("card.chip.read", {{"reader", "kiosk-3"}}, "kiosk-reg"), clean).outputs,
      chip.outputs);

  EXPECT_EQ(answer_capture(req("face.liveness", {{"image_ref", "http://x"}}), clean).error_code,
            "not_a_card");
  EXPECT_EQ(answer_capture(req("face.nope", {{"image_ref", selfie_ref(c, 1)}}), clean).error_code,
            "unknown_task");
}

TEST(SimFaults, RecoverableFailuresHitOnlyTheFirstTake) {
  const auto c = citizen(6);
  Behaviour b;
  b.blurry_rate = b.liveness_fail_rate = b.face_mismatch_rate = 1.0;
  for (const char* task : {"card.front.ocr", "card.back.ocr"}) {
    const auto ref =
        std::string(task) == "card.front.ocr" ? card_front_ref(c, 1) : card_back_ref(c, 1);
    const auto first = answer_capture(req(task, {{"image_ref", ref}}), b);
    EXPECT_EQ(first.status, "failed") << task;
    EXPECT_EQ(first.error_code, "blurry") << task;
    const auto retake =
        std::string(task) == "card.front.ocr" ? card_front_ref(c, 2) : card_back_ref(c, 2);
    EXPECT_EQ(answer_capture(req(task, {{"image_ref", retake}}), b).status, "ok") << task;
  }
  EXPECT_DOUBLE_EQ(answer_capture(req("face.liveness", {{"image_ref", selfie_ref(c, 1)}}), b)
                       .outputs.value("liveness", 1.0),
                   0.3);
  EXPECT_DOUBLE_EQ(answer_capture(req("face.liveness", {{"image_ref", selfie_ref(c, 2)}}), b)
                       .outputs.value("liveness", 0.0),
                   0.97);
  const json first_selfie{{"citizen_id", c.citizen_id}, {"image_ref", selfie_ref(c, 1)}};
  const json second_selfie{{"citizen_id", c.citizen_id}, {"image_ref", selfie_ref(c, 2)}};
  EXPECT_DOUBLE_EQ(answer_registry(req("face.match", first_selfie), b).outputs.value("score", 1.0),
                   0.2);
  EXPECT_DOUBLE_EQ(answer_registry(req("face.match", second_selfie), b).outputs.value("score", 0.0),
                   0.92);
}

TEST(SimFaults, RatesSelectAStableShareOfCitizens) {
  Behaviour b;
  b.blurry_rate = 0.2;
  b.revoked_rate = 0.1;
  int blurry = 0, revoked = 0;
  for (std::uint64_t n = 0; n < 3000; ++n) {
    const auto c = citizen(n);
    const auto r = req("card.front.ocr", {{"image_ref", card_front_ref(c, 1)}});
    const bool is_blurry = answer_capture(r, b).error_code == "blurry";
    EXPECT_EQ(is_blurry, answer_capture(r, b).error_code == "blurry");  // deterministic
    blurry += is_blurry;
    const auto v = req("card.verify", verify_inputs(c));
    const auto status = answer_registry(v, b).outputs.value("card_status", "");
    EXPECT_EQ(status, answer_registry(v, b).outputs.value("card_status", ""));
    revoked += status == "revoked";
  }
  EXPECT_GT(blurry, 480);
  EXPECT_LT(blurry, 720);
  EXPECT_GT(revoked, 210);
  EXPECT_LT(revoked, 390);
  b.seed = 2;  // another seed, other citizens
  int moved = 0;
  for (std::uint64_t n = 0; n < 200; ++n) {
    const auto c = citizen(n);
    Behaviour first = b;
    first.seed = 1;
    const auto r = req("card.front.ocr", {{"image_ref", card_front_ref(c, 1)}});
    moved += answer_capture(r, b).status != answer_capture(r, first).status;
  }
  EXPECT_GT(moved, 10);
}

TEST(SimFaults, RegistryChecksTheCardAndRevokesEveryTime) {
  const auto c = citizen(8);
  const Behaviour clean;
  auto ok = answer_registry(req("card.verify", verify_inputs(c)), clean);
  EXPECT_EQ(ok.outputs.value("code", -1), 0);
  EXPECT_EQ(ok.outputs.value("card_status", ""), "valid");
  auto wrong = verify_inputs(c);
  wrong["laser_code"] = "ZZ0000000000";
  EXPECT_EQ(answer_registry(req("card.verify", wrong), clean).outputs.value("code", -1), 4);
  wrong.erase("first_name");
  EXPECT_EQ(answer_registry(req("card.verify", wrong), clean).outputs.value("code", -1), 5);

  Behaviour revoked;
  revoked.revoked_rate = 1.0;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    EXPECT_EQ(answer_registry(req("card.verify", verify_inputs(c), "r", attempt), revoked)
                  .outputs.value("card_status", ""),
              "revoked");
  }
  const json enrolled{{"citizen_id", c.citizen_id}, {"device", {{"id", "d"}}}};
  const auto again = answer_registry(req("identity.reactivate", enrolled), clean);
  EXPECT_EQ(again.status, "ok");  // every synthetic citizen is enrolled
  EXPECT_FALSE(again.outputs.value("digital_id", "").empty());
  EXPECT_EQ(answer_registry(req("identity.reactivate", {{"citizen_id", "1"}}), clean).error_code,
            "not_enrolled");
  EXPECT_DOUBLE_EQ(
      answer_registry(req("fingerprint.match", {{"citizen_id", c.citizen_id},
                                                {"template_ref", fingerprint_ref(c, 1)},
                                                {"finger", "right-index"}}),
                      clean)
          .outputs.value("score", 0.0),
      0.95);
}

TEST(SimFaults, OfficerApprovesOrRejectsPerRegistration) {
  const Behaviour clean;
  const json with_officer{{"citizen_id", "1-xxxx-xxxxx-xx-3"},
                          {"card", json::object()},
                          {"officer", {{"id", "officer-7"}, {"counter", "c2"}}}};
  auto review = answer_officer(req("review.request", with_officer), clean);
  EXPECT_EQ(review.status, "ok");
  EXPECT_EQ(review.outputs.value("decision", ""), "approve");
  EXPECT_EQ(review.outputs.value("officer_id", ""), "officer-7");
  EXPECT_EQ(
      answer_officer(req("review.request", json::object()), clean).outputs.value("officer_id", ""),
      "officer-sim");

  Behaviour strict;
  strict.review_reject_rate = 1.0;
  strict.unavailable_rate = 1.0;  // a human decision has no `unavailable`
  review = answer_officer(req("review.request", with_officer), strict);
  EXPECT_EQ(review.status, "ok");
  EXPECT_EQ(review.outputs.value("decision", ""), "reject");
  EXPECT_FALSE(review.outputs.value("reason", "").empty());

  const json qr{{"token", "t"}, {"expires_at", "x"}, {"officer", "o"}, {"counter", "c"}};
  EXPECT_EQ(answer_officer(req("qr.display", qr), clean).outputs.value("displayed", false), true);
  EXPECT_EQ(answer_officer(req("qr.display", qr), strict).error_code, "unavailable");
  EXPECT_EQ(answer_officer(req("stamp.form", qr), clean).error_code, "unknown_task");
}

TEST(SimFaults, UnavailableIsPerRequest) {
  const auto c = citizen(10);
  Behaviour b;
  b.unavailable_rate = 0.5;
  int retryable = 0;
  for (int attempt = 1; attempt <= 200; ++attempt) {
    const auto r = req("face.liveness", {{"image_ref", selfie_ref(c, 1)}}, "reg", attempt);
    const auto reply = answer_capture(r, b);
    EXPECT_EQ(reply.status, answer_capture(r, b).status);
    if (reply.status == "retryable") {
      EXPECT_EQ(reply.error_code, "unavailable");
      ++retryable;
    }
  }
  EXPECT_GT(retryable, 70);
  EXPECT_LT(retryable, 130);
}

}  // namespace
}  // namespace enroll::sim
