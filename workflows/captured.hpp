#pragma once
// What a registration's steps captured, in slices: each slice is written by the step kinds
// named beside it and by nothing else (the engine checks this after every step), so that an
// operator's rewind forgets a step's data by clearing the slices its kind owns
// (StepKind::slices). Each slice lists its stored fields once, in fields(): the one mapping to
// and from the stored JSON (state.cpp) goes through these lists. `personal` marks a citizen's
// data, sealed at rest (crypto/field_cipher.hpp).
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "workflows/time.hpp"

namespace enroll {

// accept_terms: which terms, and when.
struct TermsSlice {
  std::string terms_version;
  std::optional<Timestamp> accepted_at;
  bool operator==(const TermsSlice&) const = default;
  template <class V, class S>
  static void fields(V& v, S& s) {
    v.field("terms_version", s.terms_version);
    v.field("accepted_at", s.accepted_at);
  }
};

// confirm_consent: when, and which consent.confirm event bound the consent.
struct ConfirmationSlice {
  std::optional<Timestamp> confirmed_at;
  std::string confirmed_by;  // id of the consent.confirm event
  bool operator==(const ConfirmationSlice&) const = default;
  template <class V, class S>
  static void fields(V& v, S& s) {
    v.field("confirmed_at", s.confirmed_at);
    v.field("confirmed_by", s.confirmed_by);
  }
};

// card_front_ocr, card_data_task: the card's face.
struct CardFrontSlice {
  std::string first_name, last_name, first_name_en, last_name_en;
  std::string date_of_birth;  // YYYY-MM-DD, Gregorian
  std::string expiry_date;
  std::string front_ref;
  bool operator==(const CardFrontSlice&) const = default;
  template <class V, class S>
  static void fields(V& v, S& s) {
    v.personal("first_name", s.first_name);
    v.personal("last_name", s.last_name);
    v.personal("first_name_en", s.first_name_en);
    v.personal("last_name_en", s.last_name_en);
    v.personal("date_of_birth", s.date_of_birth);
    v.personal("expiry_date", s.expiry_date);
    v.personal("front_ref", s.front_ref);
  }
};

// card_back_ocr, card_data_task: the laser code on the card's back.
struct CardBackSlice {
  std::string laser_code;  // compact: 2 letters + 10 digits
  std::string back_ref;
  bool operator==(const CardBackSlice&) const = default;
  template <class V, class S>
  static void fields(V& v, S& s) {
    v.personal("laser_code", s.laser_code);
    v.personal("back_ref", s.back_ref);
  }
};

// selfie_liveness: the selfie and its liveness score.
struct SelfieSlice {
  std::string image_ref;
  std::optional<double> liveness;
  bool operator==(const SelfieSlice&) const = default;
  template <class V, class S>
  static void fields(V& v, S& s) {
    v.personal("image_ref", s.image_ref);
    v.field("liveness", s.liveness);
  }
};

// face_match, fingerprint_match: a matcher's score.
struct ScoreSlice {
  std::optional<double> score;
  bool operator==(const ScoreSlice&) const = default;
  template <class V, class S>
  static void fields(V& v, S& s) {
    v.field("score", s.score);
  }
};

// qr_bind: the counter QR token shown on the officer's screen (see steps/qr_steps.cpp).
struct QrSlice {
  std::string token;
  std::optional<Timestamp> expires_at;
  bool operator==(const QrSlice&) const = default;
  template <class V, class S>
  static void fields(V& v, S& s) {
    v.personal("token", s.token);
    v.field("expires_at", s.expires_at);
  }
};

// set_passcode: the passcode, only as an Argon2id verifier.
struct PasscodeSlice {
  std::string verifier;
  bool operator==(const PasscodeSlice&) const = default;
  template <class V, class S>
  static void fields(V& v, S& s) {
    v.field("verifier", s.verifier);
  }
};

// issue_identity: the digital identity issued.
struct IdentitySlice {
  std::string digital_id;
  bool operator==(const IdentitySlice&) const = default;
  template <class V, class S>
  static void fields(V& v, S& s) {
    v.field("digital_id", s.digital_id);
  }
};

// The slices by name: what a step kind declares it owns.
enum class Slice {
  terms,
  confirmation,
  card_front,
  card_back,
  selfie,
  face,
  fingerprint,
  qr,
  passcode,
  identity
};
inline constexpr std::array kAllSlices{
    Slice::terms, Slice::confirmation, Slice::card_front, Slice::card_back, Slice::selfie,
    Slice::face,  Slice::fingerprint,  Slice::qr,         Slice::passcode,  Slice::identity};
std::string_view to_string(Slice s);

struct Captured {
  TermsSlice terms;
  ConfirmationSlice confirmation;
  CardFrontSlice card_front;
  CardBackSlice card_back;
  SelfieSlice selfie;
  ScoreSlice face;
  ScoreSlice fingerprint;
  QrSlice qr;
  PasscodeSlice passcode;
  IdentitySlice identity;
  bool operator==(const Captured&) const = default;

  // Forgets one slice (an operator's rewind).
  void clear(Slice s);
  // The slices that differ from `before`.
  [[nodiscard]] std::vector<Slice> changed_since(const Captured& before) const;

  // Each slice under its name (to_string(Slice)).
  template <class V, class S>
  static void fields(V& v, S& s) {
    v.object("terms", s.terms);
    v.object("confirmation", s.confirmation);
    v.object("card_front", s.card_front);
    v.object("card_back", s.card_back);
    v.object("selfie", s.selfie);
    v.object("face", s.face);
    v.object("fingerprint", s.fingerprint);
    v.object("qr", s.qr);
    v.object("passcode", s.passcode);
    v.object("identity", s.identity);
  }
};

}  // namespace enroll
