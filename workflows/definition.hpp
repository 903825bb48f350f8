#pragma once
// A channel definition: the steps that fill each canonical phase, what each step awaits
// (command types and/or a connector task), its retry policy, deadline, tries and what
// exhaustion leads to. Parsed from workflows/channels/*.json (validated first against
// schemas/channel-definition.schema.json by the loader).
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "statemachines/lifecycle.hpp"
#include "workflows/commands.hpp"
#include "workflows/domain/passcode_policy.hpp"

namespace enroll {

class DefinitionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct TaskRef {
  std::string connector;  // capture, registry, officer, orchestrator, ...
  std::string name;       // card.front.ocr, card.verify, ...
  nlohmann::json inputs = nlohmann::json::object();  // fixed inputs added to the step's own
};

struct RetryPolicy {
  int max_attempts = 3;
  std::chrono::milliseconds initial_backoff{1000};
  double multiplier = 2.0;
  std::chrono::milliseconds max_backoff{30000};
  std::vector<std::string> retryable_codes{"unavailable", "timeout"};

  // The wait before attempt `next_attempt` (2, 3, ...): initial * multiplier^(n-2), capped.
  [[nodiscard]] std::chrono::milliseconds backoff(int next_attempt) const;
  [[nodiscard]] bool retryable(std::string_view code) const;
};

enum class Exhaustion { reject, lock, hand_over };
std::string_view to_string(Exhaustion e);

struct OnExhausted {
  Exhaustion action = Exhaustion::reject;
  std::chrono::seconds cool_down{0};  // lock: how long until the step may be tried again
  std::string channel;                // hand_over: the channel that takes over
};

struct StepDef {
  std::string name;
  Phase phase = Phase::consent;
  std::string kind;                  // which built-in step behaviour (see steps/)
  std::vector<CommandType> expects;  // empty: the step starts its task on entry
  std::optional<TaskRef> task;
  std::chrono::seconds timeout{60};  // deadline of the task (connector or human)
  RetryPolicy retry;
  int tries = 0;  // citizen tries; 0 = unlimited
  OnExhausted on_exhausted;
};

struct ChannelDefinition {
  std::string channel;
  int version = 1;
  std::string description;
  bool start_requires_citizen_id = false;
  bool start_requires_officer = false;
  std::chrono::seconds expire_after{86400};
  PasscodePolicy passcode;
  double min_sharpness = 0.5;
  double liveness_threshold = 0.8;
  double face_match_threshold = 0.75;
  double fingerprint_threshold = 0.8;
  std::chrono::seconds qr_ttl{300};
  std::vector<StepDef> steps;

  [[nodiscard]] std::optional<std::size_t> index_of(std::string_view step) const;
  [[nodiscard]] const StepDef* find(std::string_view step) const;
  // The first step of `phase`, if the channel has one.
  [[nodiscard]] const StepDef* first_of(Phase phase) const;
};

// Throws DefinitionError naming the first problem (unknown kind, duplicate step, ...). The
// JSON Schema is checked by the caller; this checks what the schema cannot.
ChannelDefinition parse_definition(const nlohmann::json& doc);

// All loaded definitions; refuses two with the same channel and version.
class DefinitionCatalog {
 public:
  void add(ChannelDefinition def);
  [[nodiscard]] const ChannelDefinition* latest(std::string_view channel) const;
  [[nodiscard]] const ChannelDefinition* get(std::string_view channel, int version) const;
  [[nodiscard]] std::vector<std::string> channels() const;
  [[nodiscard]] std::vector<const ChannelDefinition*> all() const;

 private:
  std::map<std::pair<std::string, int>, ChannelDefinition, std::less<>> defs_;
};

}  // namespace enroll
