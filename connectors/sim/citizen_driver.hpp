#pragma once
// Simulated citizens walking through a channel: each answers the orchestrator's
// registration.awaiting events with the command it asks for. Pure logic: the caller moves
// the messages (so tests and the demo share it).
#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "connectors/sim/population.hpp"
#include "workflows/crypto/sealed_box.hpp"

namespace enroll::sim {

struct Command {
  std::string key;    // registration id
  std::string value;  // CloudEvent JSON
};

enum class Outcome { pending, issued, rejected, locked, expired, cancelled };
std::string_view to_string(Outcome o);

class CitizenDriver {
 public:
  CitizenDriver(crypto::SealPublicKey passcode_key, std::string source, std::string channel);

  // The registration.start of citizen `n` under registration id `id`.
  Command start(const std::string& id, std::uint64_t n);
  // Reacts to one event from enroll.events; returns the commands to send (none for events
  // of other registrations or already seen).
  std::vector<Command> on_event(const nlohmann::json& event);

  [[nodiscard]] std::map<Outcome, std::size_t> outcome_counts() const;
  [[nodiscard]] std::size_t finished() const { return finished_; }
  [[nodiscard]] std::size_t started() const { return journeys_.size(); }
  // Mean seconds from start to a final outcome, over finished journeys.
  [[nodiscard]] double mean_duration_s() const;

 private:
  struct Journey {
    SyntheticCitizen citizen;
    std::string passcode;
    int commands = 0;
    int selfies = 0;
    Outcome outcome = Outcome::pending;
    std::string reason;
    std::chrono::steady_clock::time_point started_at;
    std::chrono::steady_clock::time_point finished_at;
  };
  Command command(const std::string& id, Journey& j, const std::string& type, nlohmann::json data);
  std::optional<Command> answer(const std::string& id, Journey& j, const std::string& expects,
                                const std::string& cause);

  crypto::SealPublicKey key_;
  std::string source_;
  std::string channel_;
  std::map<std::string, Journey> journeys_;
  std::set<std::string> seen_;  // event ids already answered (the topic is at-least-once)
  std::size_t finished_ = 0;
};

// A passcode that passes the default policy, different per citizen.
std::string passcode_for(std::uint64_t n);

}  // namespace enroll::sim
