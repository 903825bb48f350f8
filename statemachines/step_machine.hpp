#pragma once
// The step machine: the life cycle of one step inside a phase (awaiting input → awaiting
// connector → retry scheduled → done / failed). Implemented with Boost.MSM in
// step_machine.cpp; this header is pure C++ on purpose (see registration_machine.hpp).
#include <optional>
#include <string_view>
#include <variant>

namespace enroll {

enum class StepState { awaiting_input, awaiting_connector, retry_scheduled, done, failed };

// Wire names: "awaiting_input", "awaiting_connector", "retry_scheduled", "done", "failed".
std::string_view to_string(StepState s);
std::optional<StepState> step_state_from(std::string_view s);

namespace step {
// awaiting_input|retry_scheduled → awaiting_connector: the input arrived and the connector task
// went out; or a step with no input starts its task; or the backoff timer fired.
struct TaskSent {};
// awaiting_input|awaiting_connector → done: input accepted without a task, or result ok.
struct Completed {};
// awaiting_connector → retry_scheduled if attempts_left, else → failed (a connector timeout
// included).
struct RetryableError {
  bool attempts_left;
};
// awaiting_input|awaiting_connector|retry_scheduled → failed: a permanent failure.
struct Failed {};
// awaiting_input|awaiting_connector → awaiting_input: the citizen must try again.
struct Retake {};
// Any state → awaiting_input: the step is entered again (rewind, unlock, go back).
struct Restart {};
}  // namespace step

using StepEvent = std::variant<step::TaskSent, step::Completed, step::RetryableError, step::Failed,
                               step::Retake, step::Restart>;

// The machine's move: the new state, or nullopt if `event` is not allowed in `from`.
// Pure and thread-safe: each call runs a machine of its own on the stack.
std::optional<StepState> step_transition(StepState from, const StepEvent& event);

// done, failed.
bool is_final(StepState s);

}  // namespace enroll
