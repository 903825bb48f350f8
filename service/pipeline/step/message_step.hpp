#pragma once
// One inbox message through decode -> engine -> encode, isolated: whatever its bytes are and
// whatever the engine does with them, the result is what the message does (the new state,
// encoded, and the messages to emit, each within codec/limits.hpp) or a dead letter with a
// reason code. Nothing throws out of here, so one message can never stop a partition.
// Pure apart from logging: the pipeline commits what it returns, and a fuzz target drives it.
//
// Owner: the pipeline thread (the decoder's validators are not thread-safe).
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "adapters/codec/inbound_decoder.hpp"
#include "adapters/codec/outbound_encoder.hpp"
#include "service/pipeline/step/stage_cpu.hpp"
#include "workflows/engine_config.hpp"
#include "workflows/state.hpp"

namespace enroll {

// An inbox record as the step sees it: where it is, its bytes, and the time it applies at.
struct InboxRecord {
  codec::InboxPosition at;
  std::string_view key;
  std::string_view value;
  Timestamp now{};
};

enum class StepKind {
  applied,        // a command or result that the engine took
  rejected,       // a command the engine refused (command.rejected emitted, audited)
  duplicate,      // already applied: nothing changes, nothing is emitted
  timer,          // a deadline fired (applied or not)
  dead_lettered,  // bad input: only the dead letter is emitted
  engine_fault,   // the engine broke an invariant on this input (a bug): dead-lettered too
};
[[nodiscard]] std::string_view to_string(StepKind kind);

struct StepResult {
  StepKind kind = StepKind::dead_lettered;
  std::optional<Registration> state;         // the new state, when it changed
  std::string state_record;                  // its stored form (set with `state`)
  std::vector<codec::OutboxMessage> outbox;  // what to emit, or the one dead letter
  std::optional<codec::DecodeError> reason;  // why it was dead-lettered
  Outcome outcome;  // the engine's outcome as it was (effects, for metrics); empty if none
};

class MessageStep {
 public:
  MessageStep(const codec::InboundDecoder& decoder, const codec::OutboundEncoder& encoder)
      : decoder_(decoder), encoder_(encoder) {}

  // The message decoded, or why it is bad input.
  [[nodiscard]] std::variant<Inbound, codec::DecodeError> decode(
      const InboxRecord& record) const noexcept;
  // The engine applied to `in` (decoded from `record`) over `current`, and its outputs encoded.
  // With `laps`, the engine's CPU is charged to Stage::apply and the encoding's to
  // Stage::encode.
  [[nodiscard]] StepResult apply(const InboxRecord& record, const Inbound& in,
                                 const std::optional<Registration>& current,
                                 const EngineConfig& engine,
                                 StageLaps* laps = nullptr) const noexcept;
  // A dead letter of `record` with `why` (also used by the pipeline when a commit refuses it).
  [[nodiscard]] StepResult dead_letter(const InboxRecord& record, codec::DecodeError why,
                                       StepKind kind = StepKind::dead_lettered) const noexcept;

 private:
  const codec::InboundDecoder& decoder_;
  const codec::OutboundEncoder& encoder_;
};

}  // namespace enroll
