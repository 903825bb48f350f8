// A stored state is hostile input too: its format version and upgrades (a record written
// before "v" existed reads as version 0), and one typed error, StateDecodeError, for every
// kind of record that cannot be decoded, whose reason never repeats the record's values.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "workflows/state.hpp"

namespace enroll {
namespace {

using nlohmann::json;
using namespace std::string_literals;

// A self-service registration at the face match, as the code before the format version wrote
// it (state_to_json, dumped): no "v". Synthetic data.
constexpr const char* v0_record = R"({
  "applied": ["e-start", "e-terms", "e-front"],
  "attempt": 1,
  "audit_head": "9f2c4e0d5b6a7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d",
  "audit_seq": 9,
  "card": {"back_ref": "sim://back/1", "date_of_birth": "1990-01-31",
           "expiry_date": "2030-01-30", "first_name": "Somchai", "first_name_en": "Somchai",
           "front_ref": "sim://front/1", "last_name": "Jaidee", "last_name_en": "Jaidee",
           "laser_code": "JT1234567890"},
  "channel": "self-service",
  "citizen_claimed": true,
  "citizen_id": "1101700230708",
  "consent": {"accepted_at": 1700000001000, "confirmed_at": null, "confirmed_by": "",
              "terms_version": "2024-01"},
  "created_at": 1700000000000,
  "definition_version": 1,
  "device": {"id": "dev-1", "platform": "android"},
  "digital_id": "",
  "entries": 7,
  "expires_at": 1700086400000,
  "face_score": null,
  "fingerprint_score": null,
  "hand_over_channel": "",
  "id": "reg-v0",
  "liveness": 0.97,
  "locked_in": "consent",
  "locked_step": "",
  "machine": "biometrics",
  "officer": null,
  "passcode_verifier": "",
  "pending_inputs": "{\"selfie_ref\":\"sim://selfie/1\"}",
  "pending_request": "reg-v0/face-match/7.1",
  "phase": "biometrics",
  "purge_at": null,
  "qr": {"expires_at": null, "token": "", "used": []},
  "reason": "",
  "selfie_ref": "sim://selfie/1",
  "stage": "awaiting_connector",
  "state_version": 12,
  "status": "active",
  "step": "face-match",
  "step_deadline": 1700000090000,
  "step_reason": "",
  "tries_used": {"selfie": 1},
  "updated_at": 1700000060000
})";

json v0() { return json::parse(v0_record); }
// The same registration as version 1 wrote it (the v0 record with "v": 1).
json v1() {
  auto j = v0();
  j["v"] = 1;
  return j;
}

// The same registration in the current form (version 2): captured data in per-kind slices,
// the derived "status" and "locked_in" gone, "purged_at" written as null.
constexpr const char* v2_record = R"({
  "applied": ["e-start", "e-terms", "e-front"],
  "attempt": 1,
  "audit_head": "9f2c4e0d5b6a7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d",
  "audit_seq": 9,
  "captured": {
    "card_back": {"back_ref": "sim://back/1", "laser_code": "JT1234567890"},
    "card_front": {"date_of_birth": "1990-01-31", "expiry_date": "2030-01-30",
                   "first_name": "Somchai", "first_name_en": "Somchai",
                   "front_ref": "sim://front/1", "last_name": "Jaidee",
                   "last_name_en": "Jaidee"},
    "confirmation": {"confirmed_at": null, "confirmed_by": ""},
    "face": {"score": null},
    "fingerprint": {"score": null},
    "identity": {"digital_id": ""},
    "passcode": {"verifier": ""},
    "qr": {"expires_at": null, "token": ""},
    "selfie": {"image_ref": "sim://selfie/1", "liveness": 0.97},
    "terms": {"accepted_at": 1700000001000, "terms_version": "2024-01"}
  },
  "channel": "self-service",
  "citizen_claimed": true,
  "citizen_id": "1101700230708",
  "created_at": 1700000000000,
  "definition_version": 1,
  "device": {"id": "dev-1", "platform": "android"},
  "entries": 7,
  "expires_at": 1700086400000,
  "hand_over_channel": "",
  "id": "reg-v0",
  "locked_step": "",
  "machine": "biometrics",
  "officer": null,
  "pending_inputs": "{\"selfie_ref\":\"sim://selfie/1\"}",
  "pending_request": "reg-v0/face-match/7.1",
  "phase": "biometrics",
  "purge_at": null,
  "purged_at": null,
  "reason": "",
  "stage": "awaiting_connector",
  "state_version": 12,
  "step": "face-match",
  "step_deadline": 1700000090000,
  "step_reason": "",
  "tries_used": {"selfie": 1},
  "updated_at": 1700000060000,
  "used_qr_tokens": [],
  "v": 2
})";

// The current form (version 3) of v2_record: version 3 added "consent" (the core's consent
// record) and "incident", both null for a registration written before.
json current_record() {
  auto j = json::parse(v2_record);
  j["consent"] = nullptr;
  j["incident"] = nullptr;
  j["v"] = 3;
  return j;
}

// The reason of the StateDecodeError that decoding `record` throws ("" if none is thrown).
std::string refusal(const std::string& record) {
  try {
    (void)state_from_record(record);
  } catch (const StateDecodeError& e) {
    return e.what();
  }
  return "";
}
std::string refusal(const json& record) { return refusal(record.dump()); }

TEST(StateRecordTest, WritesTheFormatVersion) {
  const auto s = state_from_record(v0_record);
  EXPECT_EQ(state_to_json(s).at("v"), 3);
  EXPECT_EQ(state_to_json(tombstone(s, from_millis(1700000099000))).at("v"), 3);
}

TEST(StateRecordTest, AVersion0RecordIsUpgradedAndReadsTheSame) {
  const auto s = state_from_record(v0_record);
  EXPECT_EQ(s.id.str(), "reg-v0");
  EXPECT_EQ(s.position.state, RegistrationState::biometrics);
  EXPECT_EQ(s.stage, StepState::awaiting_connector);
  EXPECT_EQ(s.pending_request->str(), "reg-v0/face-match/7.1");
  EXPECT_EQ(s.step_deadline, from_millis(1700000090000));
  EXPECT_EQ(s.citizen_id, "1101700230708");
  EXPECT_EQ(s.captured.card_back.laser_code, "JT1234567890");
  EXPECT_EQ(s.captured.selfie.liveness, 0.97);
  EXPECT_EQ(s.tries_used.at("selfie"), 1);
  EXPECT_EQ(s.captured.card_front.first_name, "Somchai");
  EXPECT_EQ(s.captured.terms.terms_version, "2024-01");
  // Written again, it is the current form; and that reads back the same.
  EXPECT_EQ(state_to_json(s), current_record());
  EXPECT_EQ(state_to_json(state_from_record(v2_record)), current_record());
  EXPECT_EQ(state_to_json(state_from_record(current_record().dump())), current_record());
}

TEST(StateRecordTest, AVersion1RecordIsUpgradedToTheSlices) {
  const auto s = state_from_record(v1().dump());
  EXPECT_EQ(state_to_json(s), current_record());
  EXPECT_EQ(s.position.state, RegistrationState::biometrics);
  EXPECT_EQ(s.phase, RegistrationState::biometrics);
  // A locked v1 record: its locked_in now follows from its phase.
  auto locked = v1();
  locked["machine"] = "locked";
  locked["status"] = "locked";
  locked["locked_in"] = "consent-confirm";
  locked["phase"] = "issued";
  locked["qr"]["used"] = {"t-1"};
  const auto l = state_from_record(locked.dump());
  EXPECT_EQ(l.position.state, RegistrationState::locked);
  EXPECT_EQ(l.position.held_in, RegistrationState::consent_confirm);
  EXPECT_EQ(l.used_qr_tokens, std::vector<std::string>{"t-1"});
  // A v1 tombstone keeps its core only.
  auto tomb = v1();
  for (const char* key : {"card", "consent", "qr", "device", "attempt"}) tomb.erase(key);
  tomb["machine"] = "issued";
  tomb["purged_at"] = 1700000099000;
  const auto t = state_from_record(tomb.dump());
  EXPECT_TRUE(t.purged());
  EXPECT_FALSE(state_to_json(t).contains("captured"));
}

TEST(StateRecordTest, AVersionNewerThanTheCodeIsRefusedNotGuessed) {
  auto j = v0();
  j["v"] = 4;
  EXPECT_NE(refusal(j).find("version 4"), std::string::npos) << refusal(j);
  for (const auto& bad : {json("1"), json(-1), json(1.5), json(nullptr)}) {
    j["v"] = bad;
    EXPECT_FALSE(refusal(j).empty()) << bad.dump();
  }
}

TEST(StateRecordTest, EveryKindOfBadRecordIsOneTypedError) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"not JSON", "{\"id\": \"reg-v0\", oops"},
      {"empty", ""},
      {"not an object", "[1, 2, 3]"},
      {"a NUL byte", "{\"id\":\"a\0b\"}"s},
      {"invalid UTF-8", "{\"id\": \"\xff\xfe\"}"},
      {"trailing bytes", std::string(v0_record) + " {}"},
      // Found by inbound_fuzz: a number no double holds made nlohmann's parser throw
      // out_of_range (406), which left state_from_record untyped.
      {"a number no double holds",
       [] {
         std::string r(v0_record);
         const std::string at = "\"updated_at\": 1700000060000";
         r.replace(r.find(at), at.size(), "\"updated_at\": 1801e99911000");
         return r;
       }()},
  };
  for (const auto& [what, record] : bad) {
    EXPECT_FALSE(refusal(record).empty()) << what;
  }
  const auto with = [](const char* key, json value) {
    auto j = v0();
    j[key] = std::move(value);
    return j;
  };
  const auto without = [](const char* key) {
    auto j = v0();
    j.erase(key);
    return j;
  };
  EXPECT_FALSE(refusal(with("phase", "teleported")).empty()) << "unknown phase";
  EXPECT_FALSE(refusal(with("machine", "flying")).empty()) << "unknown machine state";
  EXPECT_FALSE(refusal(with("stage", "waiting")).empty()) << "unknown stage";
  EXPECT_FALSE(refusal(with("stage", 3)).empty()) << "wrong type of an enum";
  EXPECT_FALSE(refusal(with("state_version", "12")).empty()) << "a string for a number";
  EXPECT_FALSE(refusal(with("attempt", 1e40)).empty()) << "a number out of range";
  EXPECT_FALSE(refusal(with("card", json::array())).empty()) << "an array for an object";
  EXPECT_FALSE(refusal(with("applied", {1, 2})).empty()) << "numbers for ids";
  EXPECT_FALSE(refusal(with("pending_request", 5)).empty()) << "a number for an id";
  EXPECT_FALSE(refusal(with("officer", "someone")).empty()) << "a string for an object";
  EXPECT_FALSE(refusal(without("card")).empty()) << "a missing object";
  EXPECT_FALSE(refusal(without("id")).empty()) << "a missing id";
  auto tomb = state_to_json(tombstone(state_from_record(v0_record), from_millis(1)));
  tomb.erase("audit_head");
  EXPECT_FALSE(refusal(tomb).empty()) << "a tombstone without its audit head";
}

TEST(StateRecordTest, SizeAndDepthAreBoundedBeforeParsing) {
  // 300,000 '[': a recursive parser would overflow the stack; refused, not crashed.
  EXPECT_NE(refusal(std::string(300'000, '[')), "");
  // A depth of 40 inside an otherwise valid record.
  auto j = v0();
  json deep = json::array();
  for (int i = 0; i < 40; ++i) deep = json::array({deep});
  j["extra"] = deep;
  EXPECT_NE(refusal(j).find("deep"), std::string::npos) << refusal(j);
  // Over 1 MiB (a real state is ~3 KB).
  j = v0();
  j["step_reason"] = std::string(1 << 20, 'x');
  EXPECT_NE(refusal(j).find("large"), std::string::npos) << refusal(j);
}

TEST(StateRecordTest, TheReasonNeverRepeatsTheRecordsValues) {
  const std::string cid = "1101700230708";
  // nlohmann's own messages quote what they last read ("last read: '...'").
  for (const std::string& record :
       {"{\"citizen_id\": \"" + cid + "\" oops", "{\"citizen_id\": " + cid + "x}"}) {
    const auto reason = refusal(record);
    EXPECT_FALSE(reason.empty());
    EXPECT_EQ(reason.find(cid), std::string::npos) << reason;
  }
  auto j = v0();
  j["phase"] = cid;
  EXPECT_EQ(refusal(j).find(cid), std::string::npos) << refusal(j);
  j = v0();
  j["attempt"] = cid;
  EXPECT_EQ(refusal(j).find(cid), std::string::npos) << refusal(j);
}

}  // namespace
}  // namespace enroll
