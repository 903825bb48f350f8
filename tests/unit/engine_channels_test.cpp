// The pure engine on the officer-assisted, passcode-reset and kiosk definitions: the rules
// that only these channels have (the counter QR token, the officer's review, the typed ID,
// the fingerprint, the hand-over from a kiosk to an officer, re-activation).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/unit/channel_engine.hpp"
#include "workflows/definition.hpp"
#include "workflows/engine.hpp"

namespace enroll {
namespace {

using nlohmann::json;

constexpr const char* kCitizen = "1101700203450";

class ChannelEngineTest : public testing::ChannelEngine {
 protected:
  // Scans a QR token; if the step re-shows a token, the console displays it. Returns the
  // code of the reason the channel is told (empty if the scan was accepted).
  std::string scan(const std::string& reg, const std::string& token) {
    auto out = feed(reg, CommandType::qr_scan, QrScan{token, Device{"phone-7", "android"}});
    if (state(reg).step != "counter-qr") return "";
    if (const auto* r = request(out); r != nullptr && r->task == "qr.display") {
      out = result({{"displayed", true}}, TaskStatus::ok, "", reg);
    }
    const auto* ev = last_event(out);
    return ev != nullptr && ev->data().contains("reason") && ev->data()["reason"].is_object()
               ? ev->data()["reason"]["code"].get<std::string>()
               : "?";
  }

  // The card in the counter's reader: the citizen's.
  static json counter_card() {
    return {{"citizen_id", kCitizen},
            {"first_name", "A"},
            {"last_name", "B"},
            {"date_of_birth", "1990-05-17"},
            {"laser_code", "JT0-1234567-89"},
            {"method", "chip"}};
  }
  // Officer-assisted v2 started: the counter reads the card, the registry checks it.
  void start_officer(const std::string& reg = "reg-1", const std::string& counter = "c-7") {
    feed(
        reg, CommandType::registration_start,
        RegistrationStart{
            "officer-assisted", {"console-9", "counter"}, kCitizen, Officer{"officer-1", counter}});
    ASSERT_EQ(state(reg).step, "read-card");
    result(counter_card(), TaskStatus::ok, "", reg);
    ASSERT_EQ(state(reg).step, "verify-card");
    result({{"code", 0}, {"card_status", "valid"}}, TaskStatus::ok, "", reg);
    ASSERT_EQ(state(reg).step, "claim-citizen");
  }
  // Officer-assisted up to the QR scan: the token is on the officer's screen.
  void officer_to_qr(const std::string& reg = "reg-1", const std::string& counter = "c-7") {
    start_officer(reg, counter);
    result({{"claimed", true}}, TaskStatus::ok, "", reg);
    feed(reg, CommandType::permissions_grant, PermissionsGrant{{"camera"}});
    feed(reg, CommandType::terms_accept, TermsAccept{"2024-06"});
    feed(reg, CommandType::citizen_id_enter, CitizenIdEnter{kCitizen});
    result({{"decision", "approve"}, {"officer_id", "officer-1"}}, TaskStatus::ok, "", reg);
    feed(reg, CommandType::fingerprint_capture,
         FingerprintCapture{"fp://1", "right-index", "officer-1"});
    result({{"score", 0.95}}, TaskStatus::ok, "", reg);
    ASSERT_EQ(state(reg).step, "counter-qr");
    result({{"displayed", true}}, TaskStatus::ok, "", reg);
    ASSERT_EQ(state(reg).stage, StepState::awaiting_input);
  }
};

TEST_F(ChannelEngineTest, OfficerAssistedHappyPath) {
  officer_to_qr();
  // The review showed the officer the card the counter read.
  feed(CommandType::qr_scan, QrScan{state().captured.qr.token, Device{"phone-7", "android"}});
  EXPECT_EQ(state().step, "set-passcode");
  EXPECT_EQ(state().device.id, "phone-7") << "the phone that scanned is the one bound";
  feed(CommandType::passcode_set,
       PasscodeSet{SecretString("13572468"), SecretString("13572468"), "set-passcode"});
  const auto issue = feed(CommandType::consent_confirm,
                          ConsentConfirm{SecretString("13572468"), "confirm-consent"});
  ASSERT_NE(request(issue), nullptr);
  EXPECT_EQ(request(issue)->task, "identity.issue");
  EXPECT_EQ(request(issue)->inputs.at("device"),
            (json{{"id", "phone-7"}, {"platform", "android"}}));
  const auto out = result({{"digital_id", "DID-9"}});
  EXPECT_EQ(state().status(), Status::issued);
  EXPECT_EQ(last_event(out)->type(), EventType::issued);
}

// The seed's first step at the counter (issue 14): the officer's console reads the card and
// the registry checks it before anything else; a revoked card ends it there, unclaimed.
TEST_F(ChannelEngineTest, TheCounterReadsTheCardAndTheRegistryChecksItFirst) {
  auto out = feed(
      CommandType::registration_start,
      RegistrationStart{
          "officer-assisted", {"console-9", "counter"}, kCitizen, Officer{"officer-1", "c-7"}});
  ASSERT_NE(request(out), nullptr);
  EXPECT_EQ(request(out)->connector, "officer");
  EXPECT_EQ(request(out)->task, "card.counter.read");
  EXPECT_EQ(request(out)->inputs, (json{{"citizen_id", kCitizen}}));
  // Another citizen's card in the reader: read again.
  auto other = counter_card();
  other["citizen_id"] = "1101700203468";
  out = result(other);
  EXPECT_EQ(state().step, "read-card");
  EXPECT_EQ(reason_from_stored(state().step_reason).code, ReasonCode::citizen_id_differs);
  ASSERT_NE(request(out), nullptr);
  EXPECT_EQ(request(out)->task, "card.counter.read");
  out = result(counter_card());
  ASSERT_NE(request(out), nullptr);
  EXPECT_EQ(request(out)->task, "card.verify");
  EXPECT_EQ(request(out)->inputs.at("first_name"), "A");
  EXPECT_EQ(request(out)->inputs.at("laser_code"), "JT0123456789");
  out = result({{"code", 0}, {"card_status", "revoked"}});
  EXPECT_EQ(state().status(), Status::rejected);
  EXPECT_EQ(reason_from_stored(state().reason), Reason{ReasonCode::card_revoked});
  EXPECT_FALSE(state().citizen_claimed);
  EXPECT_EQ(request(out), nullptr) << "never claimed: nothing to release";
}

TEST_F(ChannelEngineTest, TheAppNeedsTheCameraAndTheScannerAnIndexFinger) {
  start_officer();
  result({{"claimed", true}});
  auto out = feed(CommandType::permissions_grant, PermissionsGrant{{"nfc"}});
  EXPECT_EQ(last_event(out)->data().at("reason"),
            (json{{"code", "no_permissions_granted"}, {"detail", "camera"}}));
  feed(CommandType::permissions_grant, PermissionsGrant{{"nfc", "camera"}});
  feed(CommandType::terms_accept, TermsAccept{"2024-06"});
  out = feed(CommandType::citizen_id_enter, CitizenIdEnter{kCitizen});
  // The review carries the card the counter read.
  ASSERT_NE(request(out), nullptr);
  EXPECT_EQ(request(out)->inputs.at("card").at("first_name"), "A");
  result({{"decision", "approve"}, {"officer_id", "officer-1"}});
  out = feed(CommandType::fingerprint_capture,
             FingerprintCapture{"fp://1", "right-thumb", "officer-1"});
  EXPECT_EQ(last_event(out)->data().at("reason"),
            (json{{"code", "wrong_finger"}, {"detail", "right-thumb"}}));
  EXPECT_EQ(request(out), nullptr) << "nothing sent to the registry";
  out = feed(CommandType::fingerprint_capture,
             FingerprintCapture{"fp://2", "left-index", "officer-1"});
  ASSERT_NE(request(out), nullptr);
  EXPECT_EQ(request(out)->task, "fingerprint.match");
}

TEST_F(ChannelEngineTest, AQrScanMustNameTheDeviceToBind) {
  officer_to_qr();
  const auto out = feed(CommandType::qr_scan, QrScan{state().captured.qr.token, std::nullopt});
  EXPECT_EQ(state().step, "counter-qr");
  EXPECT_EQ(reason_from_stored(state().step_reason).code, ReasonCode::qr_device_missing);
  ASSERT_NE(request(out), nullptr) << "a fresh code on the officer's screen";
  EXPECT_EQ(request(out)->task, "qr.display");
  EXPECT_EQ(state().device.id, "console-9");
}

TEST_F(ChannelEngineTest, OfficerStartNeedsTheCheckedCardAndTheOfficer) {
  const auto out =
      feed(CommandType::registration_start,
           RegistrationStart{"officer-assisted", {"d", "ios"}, kCitizen, std::nullopt});
  EXPECT_EQ(last_event(out)->type(), EventType::command_rejected);
  EXPECT_FALSE(states_["reg-1"].has_value());
  const auto bad =
      feed(CommandType::registration_start,
           RegistrationStart{"officer-assisted", {"d", "ios"}, "1101700203451", Officer{"o", "c"}});
  EXPECT_EQ(last_event(bad)->data().at("reason").at("code"), "citizen_id_invalid");
  EXPECT_NE(last_event(bad)->data().at("reason").at("detail").get<std::string>().find("last digit"),
            std::string::npos)
      << last_event(bad)->data().dump();
}

TEST_F(ChannelEngineTest, TypedIdMustEqualTheOfficersCard) {
  start_officer();
  result({{"claimed", true}});
  feed(CommandType::permissions_grant, PermissionsGrant{{"camera"}});
  feed(CommandType::terms_accept, TermsAccept{"2024-06"});
  const auto out = feed(CommandType::citizen_id_enter, CitizenIdEnter{"1101700203468"});
  EXPECT_EQ(last_event(out)->type(), EventType::awaiting);
  EXPECT_EQ(last_event(out)->data().at("reason").at("code"),
            "citizen_id_differs_from_checked_card");
  EXPECT_EQ(last_event(out)->data().at("attempts_left"), 2);
}

TEST_F(ChannelEngineTest, OfficerRejectionRejects) {
  start_officer();
  result({{"claimed", true}});
  feed(CommandType::permissions_grant, PermissionsGrant{{"camera"}});
  feed(CommandType::terms_accept, TermsAccept{"2024-06"});
  const auto out = feed(CommandType::citizen_id_enter, CitizenIdEnter{kCitizen});
  ASSERT_NE(request(out), nullptr);
  EXPECT_EQ(request(out)->task, "review.request");
  EXPECT_EQ(request(out)->inputs.at("citizen_id"), "1-xxxx-xxxxx-xx-0");
  result({{"decision", "reject"}, {"officer_id", "officer-1"}, {"reason", "photo does not match"}});
  EXPECT_EQ(state().status(), Status::rejected);
  EXPECT_EQ(reason_from_stored(state().reason),
            (Reason{ReasonCode::officer_rejected, "photo does not match"}));
}

TEST_F(ChannelEngineTest, ReviewDeadlineAsksTheOfficerAgainThenRejects) {
  start_officer();
  result({{"claimed", true}});
  feed(CommandType::permissions_grant, PermissionsGrant{{"camera"}});
  feed(CommandType::terms_accept, TermsAccept{"2024-06"});
  feed(CommandType::citizen_id_enter, CitizenIdEnter{kCitizen});
  EXPECT_EQ(*state().step_deadline, now_ + std::chrono::minutes(15));
  fire_timer();  // the officer did not decide in time
  EXPECT_EQ(state().stage, StepState::retry_scheduled);
  const auto again = fire_timer();
  ASSERT_NE(request(again), nullptr);
  EXPECT_EQ(request(again)->attempt, 2);
  fire_timer();
  EXPECT_EQ(state().status(), Status::rejected);
  EXPECT_EQ(reason_from_stored(state().reason),
            (Reason{ReasonCode::task_failed, "review.request: timeout"}));
}

TEST_F(ChannelEngineTest, QrTokenIsBoundAndExpiring) {
  officer_to_qr("reg-a", "c-1");
  officer_to_qr("reg-b", "c-2");
  const std::string token_a = state("reg-a").captured.qr.token;
  // A token of another registration and counter.
  EXPECT_EQ(scan("reg-a", state("reg-b").captured.qr.token), "qr_invalid");
  EXPECT_NE(state("reg-a").captured.qr.token, token_a) << "each try shows a fresh token";
  // The other registration scans its own token and goes on.
  EXPECT_EQ(scan("reg-b", state("reg-b").captured.qr.token), "");
  EXPECT_EQ(state("reg-b").step, "set-passcode");
  // Expired: the retake shows a fresh token.
  const std::string token_a2 = state("reg-a").captured.qr.token;
  now_ += std::chrono::minutes(10);
  EXPECT_EQ(scan("reg-a", token_a2), "qr_expired");
  // The third failed try exhausts the step.
  scan("reg-a", "123.abc.def");
  EXPECT_EQ(state("reg-a").status(), Status::rejected);
  EXPECT_EQ(reason_from_stored(state("reg-a").reason),
            (Reason{ReasonCode::attempts_exhausted, "counter-qr: qr_invalid"}));
}

TEST_F(ChannelEngineTest, QrTokenCannotBeScannedTwice) {
  officer_to_qr();
  const std::string token = state().captured.qr.token;
  feed(CommandType::qr_scan, QrScan{token, Device{"phone-7", "android"}});
  ASSERT_EQ(state().step, "set-passcode");
  // Rewound to the QR step (as an operator's rewind will): the old token is spent.
  auto& s = state();
  s.step = "counter-qr";
  s.phase = RegistrationState::biometrics;
  s.position.state = RegistrationState::biometrics;
  s.stage = StepState::awaiting_input;
  EXPECT_EQ(scan("reg-1", token), "qr_reused");
}

// A rotation of the QR key (issue 15): a token shown before it still scans while its version is
// kept; once that version is retired it is refused like a forged one.
TEST_F(ChannelEngineTest, AQrTokenMadeBeforeARotationScansWhileItsKeyIsKept) {
  const auto v1 = testing::test_key("qr_mac-1", 71), v2 = testing::test_key("qr_mac-2", 72);
  config_.qr_mac_keys = {v1};
  officer_to_qr("reg-a", "c-1");
  officer_to_qr("reg-b", "c-2");
  config_.qr_mac_keys = {v1, v2};  // rotated: v2 current
  EXPECT_EQ(scan("reg-a", state("reg-a").captured.qr.token), "");
  EXPECT_EQ(state("reg-a").step, "set-passcode");
  config_.qr_mac_keys = {v2};  // v1 retired
  EXPECT_EQ(scan("reg-b", state("reg-b").captured.qr.token), "qr_invalid");
  // The retake's token is made with v2, and scans.
  EXPECT_EQ(scan("reg-b", state("reg-b").captured.qr.token), "");
}

// A rotation of the citizen hash key (issue 15): the claim and its release carry the hash under
// the current version, its id, and the hashes under the older versions kept, so that a claim
// made before the rotation still counts (Store::claim_citizen) and is released.
TEST_F(ChannelEngineTest, TheClaimCarriesTheCitizenHashUnderEveryKeptVersion) {
  feed("reg-1", CommandType::registration_start,
       RegistrationStart{
           "officer-assisted", {"console-9", "counter"}, kCitizen, Officer{"officer-1", "c-7"}});
  result(counter_card(), TaskStatus::ok, "", "reg-1");
  const auto out = result({{"code", 0}, {"card_status", "valid"}}, TaskStatus::ok, "", "reg-1");
  const auto* claim = request(out);
  ASSERT_NE(claim, nullptr);
  ASSERT_EQ(claim->task, "citizen.claim");
  ASSERT_EQ(config_.citizen_hash_keys.size(), 2u);
  EXPECT_EQ(claim->inputs.at("citizen_hash"), citizen_hash(config_, kCitizen));
  EXPECT_EQ(claim->inputs.at("citizen_hash_key"), config_.citizen_hash_keys.back().id);
  EXPECT_EQ(claim->inputs.at("older_citizen_hashes"),
            json::array({older_citizen_hashes(config_, kCitizen).at(0)}));
  EXPECT_NE(claim->inputs.at("citizen_hash"), claim->inputs.at("older_citizen_hashes").at(0));
  result({{"claimed", true}}, TaskStatus::ok, "", "reg-1");
  const auto cancelled = feed("reg-1", CommandType::registration_cancel, RegistrationCancel{"x"});
  const auto* release = request(cancelled);
  ASSERT_NE(release, nullptr);
  EXPECT_EQ(release->task, "citizen.release");
  EXPECT_EQ(release->inputs, claim->inputs);
  // With one version kept there are no older hashes.
  config_.citizen_hash_keys = {config_.citizen_hash_keys.back()};
  EXPECT_FALSE(citizen_claim_inputs(config_, kCitizen).contains("older_citizen_hashes"));
}

TEST_F(ChannelEngineTest, SecondActiveRegistrationOfACitizenIsRejected) {
  start_officer("reg-2");
  const auto* req =
      request(feed("reg-2", CommandType::registration_cancel, RegistrationCancel{"x"}));
  EXPECT_EQ(req, nullptr) << "no claim held yet: nothing to release";
  start_officer("reg-3");
  const auto out =
      result({{"claimed", false}}, TaskStatus::failed, "citizen_has_active_registration", "reg-3");
  EXPECT_EQ(state("reg-3").status(), Status::rejected);
  EXPECT_EQ(reason_from_stored(state("reg-3").reason),
            (Reason{ReasonCode::connector_error, "citizen_has_active_registration"}));
  EXPECT_EQ(last_event(out)->type(), EventType::rejected);
}

TEST_F(ChannelEngineTest, PasscodeResetReactivatesTheEnrolledIdentity) {
  auto out = feed(CommandType::registration_start,
                  RegistrationStart{"passcode-reset", {"dev", "ios"}, kCitizen, std::nullopt});
  EXPECT_EQ(state().phase, RegistrationState::biometrics);
  EXPECT_EQ(state().position.state, RegistrationState::biometrics);
  // First the registry: does the citizen hold an issued identity?
  ASSERT_NE(request(out), nullptr);
  EXPECT_EQ(request(out)->task, "identity.status");
  EXPECT_EQ(request(out)->inputs, (json{{"citizen_id", kCitizen}}));
  result({{"enrolled", true}});
  result({{"claimed", true}});
  out = feed(CommandType::selfie_capture, ImageCapture{ImageRef("img://s")});
  result({{"liveness", 0.95}});
  out = result({{"score", 0.2}});  // not the enrolled face: another selfie
  EXPECT_EQ(last_event(out)->data().at("reason").at("code"), "face_mismatch");
  EXPECT_EQ(state().step, "selfie");
  feed(CommandType::selfie_capture, ImageCapture{ImageRef("img://s2")});
  result({{"liveness", 0.95}});
  out = result({{"score", 0.9}});
  EXPECT_EQ(state().step, "set-passcode");
  feed(CommandType::passcode_set,
       PasscodeSet{SecretString("24681357"), SecretString("24681357"), "set-passcode"});
  out = feed(CommandType::consent_confirm,
             ConsentConfirm{SecretString("24681357"), "confirm-consent"});
  ASSERT_NE(request(out), nullptr);
  EXPECT_EQ(request(out)->task, "identity.reactivate");
  out = result({{"digital_id", "DID-7"}});
  EXPECT_EQ(state().status(), Status::issued);
}

// A reset for someone without an issued identity ends before any claim or selfie: the
// citizen's own registration is not blocked by it.
TEST_F(ChannelEngineTest, PasscodeResetForSomeoneNotEnrolledIsRejectedBeforeTheClaim) {
  feed(CommandType::registration_start,
       RegistrationStart{"passcode-reset", {"dev", "ios"}, kCitizen, std::nullopt});
  const auto out = result({{"enrolled", false}});
  EXPECT_EQ(state().status(), Status::rejected);
  EXPECT_EQ(reason_from_stored(state().reason), Reason{ReasonCode::not_enrolled});
  EXPECT_FALSE(state().citizen_claimed);
  EXPECT_EQ(request(out), nullptr) << "no claim asked for, none to release";
  EXPECT_EQ(last_event(out)->type(), EventType::rejected);
}

// Kiosk v2 (issue 14): the citizen's phone is paired by scanning a code on the kiosk's screen;
// the identity is issued to the phone, not to the kiosk.
TEST_F(ChannelEngineTest, KioskPairingBindsTheCitizensPhone) {
  feed(CommandType::registration_start,
       RegistrationStart{"kiosk", {"kiosk-9", "kiosk"}, std::nullopt, std::nullopt});
  feed(CommandType::terms_accept, TermsAccept{"2024-06"});
  result({{"citizen_id", kCitizen},
          {"first_name", "A"},
          {"last_name", "B"},
          {"date_of_birth", "1990-05-17"},
          {"laser_code", "JT0-1234567-89"}});
  result({{"claimed", true}});
  feed(CommandType::card_data_confirm, CardDataConfirm{true});
  result({{"code", 0}, {"card_status", "valid"}});
  feed(CommandType::selfie_capture, ImageCapture{ImageRef("img://s")});
  result({{"liveness", 0.95}});
  auto out = result({{"score", 0.9}});
  ASSERT_EQ(state().step, "pair-phone");
  ASSERT_NE(request(out), nullptr);
  EXPECT_EQ(request(out)->connector, "capture");
  EXPECT_EQ(request(out)->task, "pairing.display");
  const std::string token = request(out)->inputs.at("token");
  result({{"displayed", true}});
  feed(CommandType::qr_scan, QrScan{token, Device{"phone-3", "ios"}});
  EXPECT_EQ(state().step, "set-passcode");
  EXPECT_EQ(state().device.id, "phone-3");
  feed(CommandType::passcode_set,
       PasscodeSet{SecretString("24681357"), SecretString("24681357"), "set-passcode"});
  out = feed(CommandType::consent_confirm,
             ConsentConfirm{SecretString("24681357"), "confirm-consent"});
  ASSERT_NE(request(out), nullptr);
  EXPECT_EQ(request(out)->inputs.at("device"), (json{{"id", "phone-3"}, {"platform", "ios"}}));
}

TEST_F(ChannelEngineTest, KioskSelfiesExhaustedHandOverToAnOfficer) {
  feed(CommandType::registration_start,
       RegistrationStart{"kiosk", {"kiosk-9", "kiosk"}, std::nullopt, std::nullopt});
  auto out = feed(CommandType::terms_accept, TermsAccept{"2024-06"});
  ASSERT_NE(request(out), nullptr);
  EXPECT_EQ(request(out)->task, "card.chip.read");
  EXPECT_EQ(request(out)->inputs.at("reader"), "kiosk");
  result({{"citizen_id", kCitizen},
          {"first_name", "A"},
          {"last_name", "B"},
          {"date_of_birth", "1990-05-17"},
          {"laser_code", "JT0-1234567-89"}});
  result({{"claimed", true}});
  feed(CommandType::card_data_confirm, CardDataConfirm{true});
  result({{"code", 0}, {"card_status", "valid"}});
  for (int i = 0; i < 3; ++i) {
    feed(CommandType::selfie_capture, ImageCapture{ImageRef("img://s")});
    out = result({{"liveness", 0.1}});
  }
  EXPECT_EQ(state().status(), Status::locked);
  EXPECT_EQ(last_event(out)->data().at("hand_over"), "officer-assisted");
  // The officer takes over: same registration, the officer's channel, at biometrics.
  out = feed(CommandType::registration_start,
             RegistrationStart{
                 "officer-assisted", {"kiosk-9", "kiosk"}, kCitizen, Officer{"officer-2", "c-3"}});
  EXPECT_EQ(state().status(), Status::active);
  EXPECT_EQ(state().channel, "officer-assisted");
  EXPECT_EQ(state().step, "fingerprint");
  EXPECT_EQ(last_event(out)->data().at("reason"),
            (json{{"code", "handed_over"}, {"detail", "kiosk"}}));
  EXPECT_TRUE(state().citizen_claimed) << "the claim carries over";
}

TEST_F(ChannelEngineTest, CancelWhileLocked) {
  feed(CommandType::registration_start,
       RegistrationStart{"passcode-reset", {"dev", "ios"}, kCitizen, std::nullopt});
  result({{"enrolled", true}});
  result({{"claimed", true}});
  for (int i = 0; i < 3; ++i) {
    feed(CommandType::selfie_capture, ImageCapture{ImageRef("img://s")});
    result({}, TaskStatus::failed, "no_face");
  }
  ASSERT_EQ(state().status(), Status::locked);
  const auto out = feed(CommandType::registration_cancel, RegistrationCancel{"gave up"});
  EXPECT_EQ(state().status(), Status::cancelled);
  ASSERT_NE(request(out), nullptr);
  EXPECT_EQ(request(out)->task, "citizen.release");
}

}  // namespace
}  // namespace enroll
