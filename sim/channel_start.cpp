#include "sim/channel_start.hpp"

namespace enroll::sim {

SyntheticCitizen journey_citizen(const std::string& channel, const std::string& registration_id,
                                 std::uint64_t n) {
  if (channel == "kiosk") return card_in_reader(registration_id);
  return citizen(n);
}

nlohmann::json start_data(const std::string& channel, std::uint64_t n, const SyntheticCitizen& c) {
  const std::string phone = "device-" + std::to_string(n);
  nlohmann::json data{{"channel", channel}, {"device", {{"id", phone}, {"platform", "android"}}}};
  if (channel == "officer-assisted") {
    // Started by the officer's console, which names itself; the citizen's phone is bound
    // when it scans the counter's QR code.
    const std::string counter = "counter-" + std::to_string(n % 12);
    data["citizen_id"] = c.citizen_id;
    data["officer"] = {{"id", "officer-" + std::to_string(n % 50)}, {"counter", counter}};
    data["device"] = {{"id", "console-" + counter}, {"platform", "counter"}};
  } else if (channel == "passcode-reset") {
    data["citizen_id"] = c.citizen_id;
    data["device"]["platform"] = "ios";  // a new phone, often why the passcode is gone
  } else if (channel == "kiosk") {
    data["device"] = {{"id", "kiosk-" + std::to_string(n % 20)}, {"platform", "kiosk"}};
  }
  return data;
}

}  // namespace enroll::sim
