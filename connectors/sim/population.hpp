#pragma once
// A synthetic population for the simulators: citizen n has a valid citizen ID that encodes n,
// and deterministic card data, so the capture and registry simulators agree on every
// citizen without sharing state.
#include <cstdint>
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

// Image references the citizen simulator sends and the capture simulator reads back.
std::string card_front_ref(const SyntheticCitizen& c);
std::string card_back_ref(const SyntheticCitizen& c);
std::string selfie_ref(const SyntheticCitizen& c, int attempt);
// The citizen an image reference belongs to.
std::optional<SyntheticCitizen> owner_of(const std::string& image_ref);

}  // namespace enroll::sim
