#pragma once
// What differs between channels for a simulated citizen: who the citizen is and what
// registration.start carries. Every later step is answered the same way in every channel
// (the orchestrator's registration.awaiting says which command it wants).
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "sim/population.hpp"

namespace enroll::sim {

// Citizen `n`, except at a kiosk, where the card in the chip reader decides
// (card_in_reader of the registration id: the capture simulator derives the same card).
SyntheticCitizen journey_citizen(const std::string& channel, const std::string& registration_id,
                                 std::uint64_t n);

// The data of registration.start:
//   self-service      channel, device (the citizen's phone)
//   officer-assisted  + citizen_id (the card the officer checked), officer {id, counter}
//   passcode-reset    + citizen_id
//   kiosk             channel, device (the kiosk)
//   any other channel channel, device
nlohmann::json start_data(const std::string& channel, std::uint64_t n, const SyntheticCitizen& c);

}  // namespace enroll::sim
