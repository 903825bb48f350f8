#pragma once
// A step kind is one built-in behaviour that channel definitions compose: what a step does
// with the command it awaits and with its connector's result, and the settings it takes
// from the step's "config" (its schema: schemas/steps/<kind>.schema.json). Kinds are looked
// up by name (the definition's "kind"); a new channel reuses them without new C++.
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

#include "workflows/commands.hpp"
#include "workflows/crypto/passcode_verifier.hpp"
#include "workflows/definition.hpp"
#include "workflows/engine_config.hpp"
#include "workflows/reason.hpp"
#include "workflows/state.hpp"
#include "workflows/time.hpp"

namespace enroll {

// What a step decided. The engine turns it into a transition and its effects.
struct Verdict {
  enum class Kind {
    advance,      // the step is done; go to the next one
    start_task,   // send the step's connector task with `task_inputs`
    ask_again,    // the citizen must try again (`reason`); uses one of the step's tries
    go_back,      // return to `step` and ask there again (`reason`), using one of its tries
    retry_task,   // a retryable connector error: send the task again if attempts are left
    reject,       // a permanent failure: the registration is rejected (`reason`)
    await_input,  // the task is done; now wait for the step's command (e.g. the QR scan)
  };
  Kind kind = Kind::advance;
  Reason reason;
  std::string step;
  nlohmann::json task_inputs = nlohmann::json::object();

  static Verdict advance() { return {}; }
  static Verdict start_task(nlohmann::json inputs) {
    return {Kind::start_task, {}, {}, std::move(inputs)};
  }
  static Verdict ask_again(Reason why) { return {Kind::ask_again, std::move(why), {}, {}}; }
  static Verdict go_back(std::string to, Reason why) {
    return {Kind::go_back, std::move(why), std::move(to), {}};
  }
  static Verdict retry_task(Reason why) { return {Kind::retry_task, std::move(why), {}, {}}; }
  static Verdict reject(Reason why) { return {Kind::reject, std::move(why), {}, {}}; }
  static Verdict await_input() { return {Kind::await_input, {}, {}, {}}; }
};

// What a step kind sees: the state it may fill in, its definition, the event, the time.
struct StepContext {
  Registration& state;
  const ChannelDefinition& definition;
  const StepDef& step;
  const Inbound& event;
  Timestamp now;
  const EngineConfig& config;
  // What decided the verdict, for the audit record's "inputs" (a score and its threshold, an
  // officer's decision, a registry's answer): numbers and codes only, never personal data.
  nlohmann::json evidence = nlohmann::json::object();
};

class StepKind {
 public:
  virtual ~StepKind() = default;
  [[nodiscard]] virtual std::string_view name() const = 0;
  // The kind's typed settings from the step's "config", which has passed the kind's schema
  // (so what the schema states is not checked again here); throws DefinitionError for what
  // the schema cannot state. Kinds without settings (and without a schema) make none.
  [[nodiscard]] virtual std::shared_ptr<const StepConfig> parse_config(
      const nlohmann::json& /*config*/) const {
    return nullptr;
  }
  [[nodiscard]] virtual bool needs_task() const { return false; }
  // The step sends its task on entry even though it also expects a command (QR display).
  [[nodiscard]] virtual bool starts_with_task() const { return false; }
  // The awaited command arrived (its type is one of the step's `expects`).
  [[nodiscard]] virtual Verdict on_command(StepContext& ctx) const;
  // The step's task is to be sent on entering the step (steps that expect no command).
  [[nodiscard]] virtual nlohmann::json task_inputs(const StepContext& ctx) const;
  // The connector answered with status ok or failed (retryable is handled by the engine).
  [[nodiscard]] virtual Verdict on_result(StepContext& ctx, const TaskResult& result) const;
  // The Argon2id work that on_command would do for `event` (awaited here now), by this kind's
  // own rules, so that the shell can do it ahead on other threads and mirror nothing; none
  // for a command on_command would refuse before hashing.
  [[nodiscard]] virtual std::optional<crypto::PasscodeWork> passcode_work(
      const Registration& /*state*/, const StepDef& /*step*/, const Inbound& /*event*/,
      const EngineConfig& /*config*/) const {
    return std::nullopt;
  }

  // The slices of captured data this kind writes (captured.hpp names each slice's kinds). It
  // writes no other (the engine checks), so that an operator's rewind to this step or an
  // earlier one forgets what it captured by clearing these, and it is captured again.
  [[nodiscard]] virtual std::vector<Slice> slices() const { return {}; }

  // The step's result is an officer's decision (the review): it is taken only from an officer
  // console and only naming the registration's officer (`officer_id`, workflows/authorise.hpp).
  [[nodiscard]] virtual bool decided_by_officer() const { return false; }

  // For the graph lint and drawings (enrollctl workflows check|graph): the steps this kind
  // may send the registration back to (besides a retake of the step itself), and whether a
  // result may reject the registration outright.
  [[nodiscard]] virtual std::vector<std::string> go_back_targets(
      const ChannelDefinition& /*definition*/, const StepDef& /*step*/) const {
    return {};
  }
  [[nodiscard]] virtual bool may_reject() const { return false; }
};

// The settings parse_config made for `step`, as the kind's own type. Throws
// std::logic_error if the step has none of that type (a definition not read by the loader).
template <class Config>
const Config& config_of(const StepDef& step) {
  const auto* config = dynamic_cast<const Config*>(step.config.get());
  if (config == nullptr)
    throw std::logic_error("step " + step.name + " has no " + step.kind + " config");
  return *config;
}

// Every registered kind's name, for messages that list what exists.
std::vector<std::string_view> step_kind_names();

// nullptr if no kind has that name.
const StepKind* find_step_kind(std::string_view name);

}  // namespace enroll
