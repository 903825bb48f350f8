#pragma once
// Simulated citizens walking through a channel: each answers the orchestrator's
// registration.awaiting events with the command it asks for, in any channel
// (self-service, officer-assisted, passcode-reset, kiosk). Pure logic: the caller moves the
// messages (so tests and the demo share it).
//
// The officer's devices are simulated here too where a citizen's journey needs them: the
// fingerprint scanner (fingerprint.capture) and the QR code on the officer's screen, which
// the caller feeds from <prefix>requests.officer with on_request().
#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "adapters/trust/signers.hpp"
#include "sim/personas.hpp"
#include "sim/population.hpp"
#include "workflows/crypto/sealed_box.hpp"

namespace enroll::sim {

struct Command {
  std::string key;    // registration id
  std::string value;  // CloudEvent JSON
};

// failed_to_start: registration.start got command.rejected (e.g. the channel's definition
// is not loaded).
enum class Outcome {
  pending,
  issued,
  rejected,
  locked,
  expired,
  cancelled,
  failed_to_start,
  incident
};
std::string_view to_string(Outcome o);

struct ChannelStats {
  std::size_t registrations = 0;
  std::map<Outcome, std::size_t> outcomes;
  std::map<Persona, std::size_t> personas;  // journeys with a persona
  double mean_duration_s = 0;               // over finished journeys
  std::string start_rejected_reason;        // the first command.rejected of a start, if any
};

class CitizenDriver {
 public:
  // `signers`: the channel back-ends' (each command signed by its channel's, issue 13).
  CitizenDriver(const trust::Signers& signers, crypto::SealPublicKey passcode_key,
                std::string source, std::string channel, PersonaSettings personas = {});

  // The registration.start of citizen `n` under registration id `id`, through the default
  // channel or `channel`, with the persona drawn for `n` or the given one.
  Command start(const std::string& id, std::uint64_t n);
  Command start(const std::string& id, std::uint64_t n, const std::string& channel);
  Command start(const std::string& id, std::uint64_t n, const std::string& channel,
                Persona persona);
  // Reacts to one event from enroll.events; returns the commands to send (none for events
  // of other registrations or already seen).
  std::vector<Command> on_event(const nlohmann::json& event);
  // Reacts to one task.request from <prefix>requests.officer: remembers the latest
  // qr.display token of each registration, and answers a qr.scan that was waiting for it.
  std::vector<Command> on_request(const nlohmann::json& request);
  // Seals the passcodes of the commands from now on to `passcode_key` (the published key was
  // fetched again and has changed: a rotation).
  void set_passcode_key(const crypto::SealPublicKey& passcode_key) { key_ = passcode_key; }

  [[nodiscard]] std::map<Outcome, std::size_t> outcome_counts() const;
  [[nodiscard]] std::map<std::string, ChannelStats> channel_stats() const;
  [[nodiscard]] std::size_t finished() const { return finished_; }
  [[nodiscard]] std::size_t started() const { return journeys_.size(); }
  // Journeys whose persona keeps them from being issued (cancel).
  [[nodiscard]] std::size_t cannot_issue() const;
  // Mean seconds from start to a final outcome, over finished journeys.
  [[nodiscard]] double mean_duration_s() const;
  [[nodiscard]] std::optional<Outcome> outcome_of(const std::string& id) const;
  [[nodiscard]] std::optional<Persona> persona_of(const std::string& id) const;

 private:
  struct Journey {
    std::string channel;
    std::uint64_t n = 0;
    SyntheticCitizen citizen;
    std::string passcode;
    Persona persona = Persona::none;
    bool persona_fired = false;
    bool acknowledged = false;  // an event other than command.rejected was seen
    int commands = 0;
    std::string step;  // the step the latest registration.awaiting asked for
    int fronts = 0, backs = 0, selfies = 0, fingerprints = 0;  // takes so far
    std::string qr_token;  // the latest token shown on the officer's screen
    bool qr_used = false;
    bool qr_waiting = false;  // qr.scan asked for before the token was seen
    Outcome outcome = Outcome::pending;
    std::string reason;
    std::chrono::steady_clock::time_point started_at;
    std::chrono::steady_clock::time_point finished_at;
  };
  Command command(const std::string& id, Journey& j, const std::string& type, nlohmann::json data);
  std::optional<Command> answer(const std::string& id, Journey& j, const std::string& expects);
  std::optional<Command> scan_qr(const std::string& id, Journey& j);
  bool fire(Journey& j, Persona p);

  const trust::Signers& signers_;
  crypto::SealPublicKey key_;
  std::string source_;
  std::string channel_;
  PersonaSettings personas_;
  std::map<std::string, Journey> journeys_;
  std::set<std::string> seen_;  // event ids already answered (the topic is at-least-once)
  std::size_t finished_ = 0;
};

// A passcode that passes the default policy, different per citizen.
std::string passcode_for(std::uint64_t n);

}  // namespace enroll::sim
