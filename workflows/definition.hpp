#pragma once
// A channel definition: the steps that fill each canonical phase, what each step awaits
// (command types and/or a connector task), its retry policy, deadline, tries, what
// exhaustion leads to and its kind's own settings. Read from workflows/channels/*.json by
// the one loader (definition_loader.hpp).
#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "statemachines/lifecycle.hpp"
#include "workflows/commands.hpp"

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

// What a step does when its task's retries run out on a retryable error.
enum class RetriesExhausted {
  incident,  // park the registration for an operator (the default)
  reject     // end it: for a step where waiting for repair is wrong
};
std::string_view to_string(RetriesExhausted e);

struct RetryPolicy {
  int max_attempts = 3;
  std::chrono::milliseconds initial_backoff{1000};
  double multiplier = 2.0;
  std::chrono::milliseconds max_backoff{30000};
  std::vector<std::string> retryable_codes{"unavailable", "timeout"};
  RetriesExhausted on_exhausted = RetriesExhausted::incident;

  // The longest wait before attempt `next_attempt` (2, 3, ...): initial * multiplier^(n-2),
  // capped.
  [[nodiscard]] std::chrono::milliseconds backoff(int next_attempt) const;
  // "Full jitter": backoff(next_attempt) scaled by `draw` in [0, 1), so that the retries of
  // many registrations failed together spread out instead of reaching a recovering service
  // at once. The engine derives `draw` from the registration and attempt (replays stay exact).
  [[nodiscard]] std::chrono::milliseconds jittered_backoff(int next_attempt, double draw) const;
  [[nodiscard]] bool retryable(std::string_view code) const;
};

enum class Exhaustion { reject, lock, hand_over };
std::string_view to_string(Exhaustion e);

struct OnExhausted {
  Exhaustion action = Exhaustion::reject;
  std::chrono::seconds cool_down{0};  // lock: how long until the step may be tried again
  std::string channel;                // hand_over: the channel that takes over
};

// A step kind's own settings (thresholds, policies), made by the kind from the step's
// "config" (StepKind::parse_config); each kind derives its own.
struct StepConfig {
  virtual ~StepConfig() = default;
};

struct StepDef {
  std::string name;
  RegistrationState phase = RegistrationState::consent;
  std::string kind;                  // which built-in step behaviour (see steps/)
  std::vector<CommandType> expects;  // empty: the step starts its task on entry
  std::optional<TaskRef> task;
  std::chrono::seconds timeout{60};  // deadline of the task (connector or human)
  RetryPolicy retry;
  int tries = 0;  // citizen tries; 0 = unlimited
  OnExhausted on_exhausted;
  std::shared_ptr<const StepConfig> config;  // null for kinds without settings
};

struct ChannelDefinition {
  std::string channel;
  int version = 1;
  std::string description;
  bool start_requires_citizen_id = false;
  bool start_requires_officer = false;
  std::chrono::seconds expire_after{86400};
  std::vector<StepDef> steps;

  [[nodiscard]] std::optional<std::size_t> index_of(std::string_view step) const;
  [[nodiscard]] const StepDef* find(std::string_view step) const;
};

// All loaded definitions, at most one per channel and version.
class DefinitionCatalog {
 public:
  // False (and `def` not added) if the catalog already has that channel and version.
  [[nodiscard]] bool add(ChannelDefinition def);
  [[nodiscard]] const ChannelDefinition* latest(std::string_view channel) const;
  [[nodiscard]] const ChannelDefinition* get(std::string_view channel, int version) const;
  [[nodiscard]] std::vector<std::string> channels() const;
  [[nodiscard]] std::vector<const ChannelDefinition*> all() const;

 private:
  std::map<std::pair<std::string, int>, ChannelDefinition, std::less<>> defs_;
};

}  // namespace enroll
