#pragma once
// A channel definition: the steps that fill each canonical phase, what each step awaits
// (command types and/or a connector task), and how many tries it gets. Parsed from the JSON
// files in workflows/channels/ (schema: schemas/channel-definition.schema.json).
#include <chrono>
#include <map>
#include <nlohmann/json_fwd.hpp>
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
  std::string connector;  // capture, registry, officer, ...
  std::string name;       // card.front.ocr, card.verify, ...
};

enum class Exhaustion { reject, lock };

struct StepDef {
  std::string name;
  Phase phase = Phase::consent;
  std::string kind;                  // which built-in step behaviour (see steps/)
  std::vector<CommandType> expects;  // empty: the step starts its task on entry
  std::optional<TaskRef> task;
  int tries = 0;  // citizen tries; 0 = unlimited
  Exhaustion on_exhausted = Exhaustion::reject;
  int max_attempts = 3;  // connector attempts for retryable errors
  std::chrono::milliseconds task_timeout{30000};
};

struct ChannelDefinition {
  std::string channel;
  int version = 1;
  PasscodePolicy passcode;
  double min_sharpness = 0.5;
  double liveness_threshold = 0.8;
  double face_match_threshold = 0.75;
  std::vector<StepDef> steps;

  [[nodiscard]] std::optional<std::size_t> index_of(std::string_view step) const;
};

// Throws DefinitionError naming the first problem (unknown kind, duplicate step, ...).
ChannelDefinition parse_definition(const nlohmann::json& doc);

// All loaded definitions; refuses two with the same channel and version.
class DefinitionCatalog {
 public:
  void add(ChannelDefinition def);
  [[nodiscard]] const ChannelDefinition* latest(std::string_view channel) const;
  [[nodiscard]] const ChannelDefinition* get(std::string_view channel, int version) const;
  [[nodiscard]] std::vector<std::string> channels() const;

 private:
  std::map<std::pair<std::string, int>, ChannelDefinition, std::less<>> defs_;
};

}  // namespace enroll
