#pragma once
// A synthetic population for the simulators: citizen n has a valid citizen ID that encodes n,
// and deterministic card data, so the capture and registry simulators agree on every
// citizen without sharing state.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace enroll::sim {

struct SyntheticCitizen {
  std::uint64_t n = 0;
  std::string citizen_id;  // 13 digits with a valid check digit
  std::string first_name, last_name, first_name_en, last_name_en;
  std::string date_of_birth;  // YYYY-MM-DD (Gregorian)
  std::string expiry_date;
  std::string laser_code;  // compact
};

SyntheticCitizen citizen(std::uint64_t n);
// The citizen whose ID this is, if it is one of ours.
std::optional<SyntheticCitizen> lookup(const std::string& citizen_id);
// What the card says (its face), as a reader or OCR gives it: citizen ID, names, dates.
nlohmann::json card_face(const SyntheticCitizen& c);

// Image (and fingerprint template) references the citizen simulator sends and the
// simulated connectors read back: "sim://<kind>/<citizen id>/<take>". The take (1, 2, ...)
// lets a simulator fail the first photo of a citizen and accept the retake.
std::string card_front_ref(const SyntheticCitizen& c, int take = 1);
std::string card_back_ref(const SyntheticCitizen& c, int take = 1);
std::string selfie_ref(const SyntheticCitizen& c, int attempt);
std::string fingerprint_ref(const SyntheticCitizen& c, int take);
// The citizen a reference belongs to.
std::optional<SyntheticCitizen> owner_of(const std::string& image_ref);
// The take of a reference (1 when it names none).
int take_of(const std::string& image_ref);

// The card in a kiosk's chip reader: card.chip.read carries no image to name its owner,
// so the card is derived from the registration id; the capture simulator and the citizen
// driver agree on it without sharing state.
SyntheticCitizen card_in_reader(const std::string& registration_id);

}  // namespace enroll::sim
