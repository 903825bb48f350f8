#pragma once
// A registration with every stored field set to something other than its default, as one
// in flight at the face match would be (synthetic data): for the state's codec tests and its
// cost (state_cost.cpp).
#include "workflows/state.hpp"

namespace enroll::testing {

// Every field set to something other than its default (synthetic data).
inline Registration sample_state() {
  Registration s;
  s.id = RegistrationId("reg-0b8e2f4c-binary");
  s.channel = "officer-assisted";
  s.definition_version = 3;
  s.position.state = RegistrationState::biometrics;
  s.phase = RegistrationState::biometrics;
  s.step = "face-match";
  s.stage = StepState::awaiting_connector;
  s.reason = "retake: blurred";
  s.expires_at = from_millis(1'700'086'400'000);
  s.state_version = 12;
  s.audit_seq = 9;
  s.audit_head = "9f2c4e0d5b6a7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d";
  s.created_at = from_millis(1'700'000'000'000);
  s.updated_at = from_millis(1'700'000'060'000);
  s.purge_at = from_millis(1'800'000'000'000);
  s.consent = ConsentRecord{"2024-05", from_millis(1'700'000'001'000),
                            from_millis(1'700'000'050'000), "reg-0b8e2f4c-binary/c7", "passcode"};
  s.applied = {"reg-0b8e2f4c-binary/c0",
               "reg-0b8e2f4c-binary/c1",
               "other-id",
               "",
               "reg-0b8e2f4c-binary/c2",
               "ไทย"};
  s.attempt = 2;
  s.entries = 7;
  s.pending_request = RequestId("Zm9vYmFyYmF6cXV4");
  s.pending_inputs = R"({"selfie_ref":"sim://selfie/1"})";
  s.step_deadline = from_millis(1'700'000'090'000);
  s.step_reason = "blurred";
  s.tries_used = {{"face-match", 1}, {"selfie", -2}, {"ไทย", 1'000'000}};
  s.device = Device{"device-17", "android"};
  s.officer = Officer{"officer-3", "counter-9"};
  s.citizen_id = "1101700230708";
  s.citizen_claimed = true;
  s.captured.terms = {"2024-06", from_millis(1'700'000'001'000)};
  s.captured.confirmation = {from_millis(1'700'000'050'000), "reg-0b8e2f4c-binary/c7"};
  s.captured.card_front = {"สมชาย",      "ใจดี",        "Somchai",      "Jaidee",
                           "1990-01-31", "2030-01-30", "sim://front/1"};
  s.captured.card_back = {"JT1234567890", "sim://back/1"};
  s.captured.selfie = {"sim://selfie/1", 0.97};
  s.captured.face.score = -0.0;
  s.captured.fingerprint.score = 1e300;
  s.captured.qr = {"qr-token-1", from_millis(-5)};
  s.captured.passcode.verifier =
      "pepper:passcode_pepper-1:$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA";
  s.captured.identity.digital_id = "DID-000000004242";
  s.used_qr_tokens = {"qr-token-0", "qr-token-1"};
  s.locked_step = "";
  s.hand_over_channel = "kiosk";
  return s;
}

}  // namespace enroll::testing
