// The stored state's binary form (issue 16): every field round-trips (live, held, in an
// incident, a tombstone; sealed or in the clear), the personal fields are sealed together and
// bound to the registration, JSON records are still read, and every malformed byte string is
// one typed StateDecodeError that names the field and never a value.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "tests/unit/sample_state.hpp"
#include "workflows/crypto/field_cipher.hpp"
#include "workflows/state.hpp"

namespace enroll {
namespace {

using namespace std::string_literals;

const std::vector<unsigned char>& key_bytes() {
  static const std::vector<unsigned char> k(crypto::kFieldKeyBytes, 7);
  return k;
}
const crypto::FieldCipher& cipher() {
  static const crypto::FieldCipher c({crypto::FieldKey{"field-1", key_bytes()}});
  return c;
}

// Equality through the JSON form, which lists every field.
void expect_same(const Registration& a, const Registration& b) {
  EXPECT_EQ(state_to_json(a).dump(), state_to_json(b).dump());
}

std::string refusal(std::string_view record, const crypto::FieldCipher* c = &cipher()) {
  try {
    (void)state_from_record(record, c);
  } catch (const StateDecodeError& e) {
    return e.what();
  }
  return "";
}

TEST(StateBinaryTest, EveryFieldRoundTripsSealedAndInTheClear) {
  const Registration s = testing::sample_state();
  for (const crypto::FieldCipher* c :
       {&cipher(), static_cast<const crypto::FieldCipher*>(nullptr)}) {
    const std::string record = state_to_record(s, c);
    EXPECT_EQ(static_cast<unsigned char>(record[0]), 0xB1);
    const Registration back = state_from_record(record, c);
    expect_same(back, s);
    EXPECT_EQ(back.tries_used, s.tries_used);
    EXPECT_EQ(back.applied, s.applied);
    EXPECT_TRUE(std::signbit(*back.captured.face.score));  // -0.0 kept as it is
    // Written again: the same bytes (sealing is deterministic).
    EXPECT_EQ(state_to_record(back, c), record);
  }
}

TEST(StateBinaryTest, HeldIncidentAndTombstoneRoundTrip) {
  Registration held = testing::sample_state();
  held.position.state = RegistrationState::incident;
  held.incident = Incident{"card.verify", "unavailable", from_millis(1'700'000'070'000), 5};
  const Registration back = state_from_record(state_to_record(held, &cipher()), &cipher());
  expect_same(back, held);
  EXPECT_EQ(back.position.held_in, RegistrationState::biometrics);  // from its phase

  const Registration tomb = tombstone(testing::sample_state(), from_millis(1'800'000'000'001));
  const std::string record = state_to_record(tomb, &cipher());
  EXPECT_EQ(state_record_sealing_key(record), "");  // a tombstone keeps nothing personal
  expect_same(state_from_record(record, nullptr), tomb);
  EXPECT_EQ(record.find("1101700230708"), std::string::npos);
}

TEST(StateBinaryTest, PersonalFieldsAreSealedTogetherAndBoundToTheRegistration) {
  const Registration s = testing::sample_state();
  const std::string record = state_to_record(s, &cipher());
  EXPECT_EQ(state_record_sealing_key(record), "field-1");
  for (const std::string& plain : {"1101700230708"s, "JT1234567890"s, "Somchai"s, "สมชาย"s,
                                   "1990-01-31"s, "sim://selfie/1"s, "qr-token-1\x01"s}) {
    EXPECT_EQ(record.find(plain), std::string::npos) << plain;
  }
  // Without the key, or under another one: refused, naming the personal fields.
  EXPECT_NE(refusal(record, nullptr).find("no field key"), std::string::npos);
  const std::vector<unsigned char> other(crypto::kFieldKeyBytes, 8);
  const crypto::FieldCipher wrong({crypto::FieldKey{"field-1", other}});
  EXPECT_NE(refusal(record, &wrong).find("personal fields"), std::string::npos);
  // The sealed section moved to another registration's record does not open there.
  Registration twin = s;
  twin.id = RegistrationId("reg-0b8e2f4c-binarz");  // same length: the bytes line up
  std::string moved = state_to_record(twin, &cipher());
  const std::size_t section_end = record.find("reg-0b8e2f4c-binary") - 1;  // the id's length
  moved.replace(0, section_end, record.substr(0, section_end));
  EXPECT_NE(refusal(moved).find("does not open"), std::string::npos) << refusal(moved);
  // A rotated key: the old records still open, and a rewrite seals with the new one.
  const std::vector<unsigned char> k2(crypto::kFieldKeyBytes, 9);
  const crypto::FieldCipher rotated(
      {crypto::FieldKey{"field-1", key_bytes()}, crypto::FieldKey{"field-2", k2}});
  const Registration opened = state_from_record(record, &rotated);
  expect_same(opened, s);
  EXPECT_EQ(state_record_sealing_key(state_to_record(opened, &rotated)), "field-2");
}

TEST(StateBinaryTest, IsAFractionOfTheJsonForm) {
  const Registration s = testing::sample_state();
  const std::size_t binary = state_to_record(s, &cipher()).size();
  const std::size_t json = state_to_json(s, &cipher()).dump().size();
  EXPECT_LT(binary * 2, json) << binary << " binary bytes, " << json << " as JSON";
}

TEST(StateBinaryTest, JsonRecordsAreStillRead) {
  const Registration s = testing::sample_state();
  expect_same(state_from_record(state_to_json(s, &cipher()).dump(), &cipher()), s);
  expect_same(state_from_record(state_to_json(s).dump(), &cipher()), s);  // in the clear
}

TEST(StateBinaryTest, EveryTruncationAndTrailingByteIsRefused) {
  for (const crypto::FieldCipher* c :
       {&cipher(), static_cast<const crypto::FieldCipher*>(nullptr)}) {
    const std::string record = state_to_record(testing::sample_state(), c);
    for (std::size_t n = 1; n < record.size(); ++n) {
      EXPECT_FALSE(refusal(record.substr(0, n), c).empty()) << n << " of " << record.size();
    }
    EXPECT_NE(refusal(record + "x", c).find("after the last field"), std::string::npos);
  }
}

// Edits at the place of one value: a record in the clear, so that the bytes can be found.
std::string edited(const Registration& s, const std::string& from, const std::string& to) {
  std::string record = state_to_record(s, nullptr);
  const std::size_t at = record.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  record.replace(at, from.size(), to);
  return record;
}

TEST(StateBinaryTest, EveryKindOfBadValueIsOneTypedErrorNamingTheField) {
  const Registration s = testing::sample_state();
  const auto expect_refused = [&](const std::string& record, const std::string& field,
                                  const std::string& why) {
    const std::string reason = refusal(record, nullptr);
    EXPECT_NE(reason.find(field), std::string::npos) << reason;
    EXPECT_NE(reason.find(why), std::string::npos) << reason;
  };
  // An enum name this code does not know (a downgrade, a hand edit): same length, so the
  // record stays well formed.
  expect_refused(edited(s,
                        "\x0a"
                        "biometrics"
                        "\x0a"
                        "biometrics",
                        "\x0a"
                        "teleported"
                        "\x0a"
                        "biometrics"),
                 "field 'machine'", "unknown name 'teleported'");
  // Text that is not UTF-8.
  expect_refused(edited(s, "officer-assisted", "officer-assiste\xff"), "field 'channel'",
                 "not UTF-8");
  expect_refused(edited(s, "counter-9", "counter-\xc0"), "field 'officer.counter'", "not UTF-8");
  // A flag that is neither 0 nor 1: citizen_claimed is the byte before the captured slices'
  // first text, terms_version "2024-06".
  {
    std::string r = state_to_record(s, nullptr);
    const std::size_t at = r.find(
        "\x01\x07"
        "2024-06\x01");
    ASSERT_NE(at, std::string::npos);
    r[at] = 2;
    expect_refused(r, "field 'citizen_claimed'", "neither 0 nor 1");
  }
  // The version byte: a newer format is refused, not guessed at.
  {
    std::string r = state_to_record(s, nullptr);
    r[1] = 2;
    EXPECT_NE(refusal(r, nullptr).find("binary state format 2"), std::string::npos);
  }
  // An unknown kind of personal section.
  {
    std::string r = state_to_record(s, nullptr);
    r[2] = 3;
    EXPECT_NE(refusal(r, nullptr).find("personal section"), std::string::npos);
  }
}

TEST(StateBinaryTest, NumbersAreBoundedAndInTheirShortestForm) {
  const Registration s = testing::sample_state();
  // definition_version 3 (zigzag 6) follows the channel: an overlong 6 (0x86 0x00), a number
  // past int's range, and one past 64 bits.
  const std::string channel = "\x10officer-assisted"s;
  expect_same(state_from_record(edited(s, channel + "\x06", channel + "\x06"), nullptr), s);
  EXPECT_NE(refusal(edited(s, channel + "\x06", channel + std::string("\x86\x00", 2)), nullptr)
                .find("shortest"),
            std::string::npos);
  EXPECT_NE(refusal(edited(s, channel + "\x06", channel + "\x80\x80\x80\x80\x80\x01"), nullptr)
                .find("field 'definition_version': out of range"),
            std::string::npos);
  EXPECT_NE(
      refusal(edited(s, channel + "\x06", channel + std::string(10, '\xff') + "\x01"), nullptr)
          .find("past 64 bits"),
      std::string::npos);
  // A length or a count past the end of the record.
  EXPECT_NE(refusal(edited(s, channel,
                           "\xff\xff\x03"
                           "officer-assisted"),
                    nullptr)
                .find("field 'channel': a length past the end"),
            std::string::npos);
}

TEST(StateBinaryTest, TextThatWouldNotReadBackIsRefusedWhenWritten) {
  Registration s = testing::sample_state();
  s.step_reason = "blurred\xff";
  EXPECT_THROW((void)state_to_record(s, nullptr), StateEncodeError);
  s = testing::sample_state();
  s.captured.card_front.first_name = "\xc0\x80";  // an overlong NUL: personal, sealed or not
  EXPECT_THROW((void)state_to_record(s, &cipher()), StateEncodeError);
  s = testing::sample_state();
  s.applied.back() = "id-\xed\xa0\x80";  // a surrogate in a front-coded list
  EXPECT_THROW((void)state_to_record(s, nullptr), StateEncodeError);
}

TEST(StateBinaryTest, AFrontCodedListCannotGrowPastARecord) {
  // used_qr_tokens: a 60 KB token, then 20,000 copies of it (2 bytes each: "share all, add
  // nothing"): a 100 KB record that would expand to 1.2 GB.
  Registration s = testing::sample_state();
  s.used_qr_tokens = {std::string(60'000, 't')};
  std::string r = state_to_record(s, nullptr);
  const std::string one = std::string("\x01\x00\xe0\xd4\x03", 5);  // count 1, shared 0, 60,000
  const std::size_t at = r.find(one);
  ASSERT_NE(at, std::string::npos);
  std::string copies;
  for (int i = 0; i < 20'000; ++i) copies += std::string("\xe0\xd4\x03\x00", 4);
  r.replace(at, 1, std::string("\xa1\x9c\x01", 3));  // count 20,001
  r.insert(at + 3 + 4 + 60'000, copies);
  EXPECT_NE(refusal(r, nullptr).find("field 'used_qr_tokens': a list longer than a record may be"),
            std::string::npos)
      << refusal(r, nullptr).substr(0, 200);
}

TEST(StateBinaryTest, NonFiniteScoresAndUnorderedCountsAreRefused) {
  Registration s = testing::sample_state();
  s.captured.fingerprint.score = 0.5;
  std::string r = state_to_record(s, nullptr);
  double half = 0.5;
  std::string bytes(reinterpret_cast<const char*>(&half), sizeof half);
  const std::size_t at = r.find(bytes);
  ASSERT_NE(at, std::string::npos);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  r.replace(at, sizeof nan, reinterpret_cast<const char*>(&nan), sizeof nan);
  EXPECT_NE(refusal(r, nullptr).find("field 'captured.fingerprint.score': not a finite number"),
            std::string::npos)
      << refusal(r, nullptr);
  // tries_used's names must ascend (one form per map): swap two names of the same length.
  s = testing::sample_state();
  s.tries_used = {{"aaa", 1}, {"bbb", 2}};
  r = state_to_record(s, nullptr);
  const std::size_t a = r.find(
      "\x03"
      "aaa");
  const std::size_t b = r.find(
      "\x03"
      "bbb");
  ASSERT_TRUE(a != std::string::npos && b != std::string::npos);
  r.replace(a + 1, 3, "bbb");
  r.replace(b + 1, 3, "aaa");
  EXPECT_NE(refusal(r, nullptr).find("field 'tries_used': names not in ascending order"),
            std::string::npos)
      << refusal(r, nullptr);
}

TEST(StateBinaryTest, TheReasonNeverRepeatsTheRecordsValues) {
  const Registration s = testing::sample_state();
  // An edit that leaves the citizen ID in the record (in the clear) and breaks what follows.
  std::string r = state_to_record(s, nullptr);
  r.resize(r.size() - 3);
  const std::string reason = refusal(r, nullptr);
  EXPECT_FALSE(reason.empty());
  EXPECT_EQ(reason.find("1101700230708"), std::string::npos) << reason;
  EXPECT_NE(r.find("1101700230708"), std::string::npos);  // it was there to be quoted
  // An enum name made of personal data is not quoted either.
  const std::string phase =
      "\x0a"
      "biometrics"
      "\x0a"
      "biometrics";
  const std::string cid =
      "\x0d"
      "1101700230708"
      "\x0a"
      "biometrics";
  const std::string bad = edited(s, phase, cid);
  EXPECT_EQ(refusal(bad, nullptr).find("1101700230708"), std::string::npos)
      << refusal(bad, nullptr);
}

}  // namespace
}  // namespace enroll
