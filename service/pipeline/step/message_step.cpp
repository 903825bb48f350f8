#include "service/pipeline/step/message_step.hpp"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "adapters/codec/limits.hpp"
#include "workflows/crypto/canonical_json.hpp"
#include "workflows/engine.hpp"

namespace enroll {
namespace {

bool has_rejection(const std::vector<Effect>& effects) {
  for (const auto& e : effects) {
    if (const auto* ev = std::get_if<EmitEvent>(&e);
        ev != nullptr && ev->type() == EventType::command_rejected) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string_view to_string(StepKind kind) {
  switch (kind) {
    case StepKind::applied:
      return "applied";
    case StepKind::rejected:
      return "rejected";
    case StepKind::duplicate:
      return "duplicate";
    case StepKind::timer:
      return "timer";
    case StepKind::dead_lettered:
      return "dead_lettered";
    case StepKind::engine_fault:
      return "engine_fault";
  }
  return "unknown";
}

std::variant<Inbound, codec::DecodeError> MessageStep::decode(
    const InboxRecord& record) const noexcept {
  try {
    return decoder_.decode(record.value, record.key, record.now);
  } catch (const std::exception& e) {
    // The decoder answers bad input with a DecodeError; a throw is input it did not foresee.
    return codec::DecodeError{Errc::undecodable, e.what()};
  } catch (...) {
    return codec::DecodeError{Errc::undecodable, "unknown exception"};
  }
}

StepResult MessageStep::apply(const InboxRecord& record, const Inbound& in,
                              const std::optional<Registration>& current,
                              const EngineConfig& engine, StageLaps* laps) const noexcept {
  const auto lap = [laps](Stage stage) {
    if (laps != nullptr) laps->lap(stage);
  };
  Outcome outcome;
  try {
    outcome = enroll::apply(current, in, record.now, engine);
  } catch (const nlohmann::json::exception& e) {
    // Input the engine cannot use (e.g. a result whose outputs have the wrong types).
    return dead_letter(record, {Errc::unprocessable, e.what()});
  } catch (const std::exception& e) {
    // Anything else is the engine breaking its own rules on this input: a bug to look at.
    spdlog::error("registration {}: engine fault on {} {}: {}", in.subject.str(),
                  to_string(in.type), in.id.str(), e.what());
    return dead_letter(record, {Errc::engine_fault, e.what()}, StepKind::engine_fault);
  } catch (...) {
    spdlog::error("registration {}: engine fault on {} {}: unknown exception", in.subject.str(),
                  to_string(in.type), in.id.str());
    return dead_letter(record, {Errc::engine_fault, "unknown exception"}, StepKind::engine_fault);
  }
  lap(Stage::apply);
  StepResult r;
  if (outcome.duplicate) {
    r.kind = StepKind::duplicate;
    r.outcome = std::move(outcome);
    return r;
  }
  try {
    const Registration* after = outcome.state ? &*outcome.state : current ? &*current : nullptr;
    r.outbox = encoder_.encode(in.subject, in.id, after != nullptr ? after->state_version : 0,
                               in.traceparent, record.now, outcome.effects);
    for (const auto& m : r.outbox) {
      if (m.value.size() > codec::max_output_value_bytes ||
          m.key.size() > codec::max_output_key_bytes) {
        return dead_letter(
            record, {Errc::output_too_large, "an output of " + std::to_string(m.value.size()) +
                                                 " bytes would exceed the limit"});
      }
    }
    if (outcome.state) {
      r.state_record = state_to_record(*outcome.state, engine.field_cipher);
      if (r.state_record.size() > codec::max_state_bytes) {
        return dead_letter(
            record, {Errc::state_too_large, "the state would grow to " +
                                                std::to_string(r.state_record.size()) + " bytes"});
      }
    }
  } catch (const nlohmann::json::exception& e) {
    // Text that cannot be written out (e.g. invalid UTF-8 the decoder let through).
    return dead_letter(record, {Errc::unencodable, e.what()});
  } catch (const StateEncodeError& e) {
    return dead_letter(record, {Errc::unencodable, e.what()});
  } catch (const crypto::CanonicalJsonError& e) {
    // The same from the outputs' writer (codec::envelope_text, audit_canonical).
    return dead_letter(record, {Errc::unencodable, e.what()});
  } catch (const std::exception& e) {
    spdlog::error("registration {}: engine fault encoding the outputs of {} {}: {}",
                  in.subject.str(), to_string(in.type), in.id.str(), e.what());
    return dead_letter(record, {Errc::engine_fault, e.what()}, StepKind::engine_fault);
  }
  lap(Stage::encode);
  if (in.type == CommandType::timer) {
    r.kind = StepKind::timer;
    if (!outcome.state && current && current->next_timer() &&
        *current->next_timer() <= record.now) {
      // The engine found nothing to do at a due time: the timer is not re-armed (it would loop).
      spdlog::warn("registration {}: timer due at {} changed nothing", in.subject.str(),
                   to_rfc3339(*current->next_timer()));
    }
  } else {
    r.kind = has_rejection(outcome.effects) ? StepKind::rejected : StepKind::applied;
  }
  r.state = std::move(outcome.state);
  outcome.state.reset();
  r.outcome = std::move(outcome);
  return r;
}

StepResult MessageStep::dead_letter(const InboxRecord& record, codec::DecodeError why,
                                    StepKind kind) const noexcept {
  StepResult r;
  r.kind = kind;
  try {
    r.outbox.push_back(encoder_.dead_letter(record.at, record.key, record.value, why, record.now));
  } catch (...) {
    // Only if even the bounded dead letter cannot be written: its position and code alone.
    r.outbox.clear();
    r.outbox.push_back(codec::OutboxMessage{
        encoder_.dlq_topic(), "",
        R"({"specversion":"1.0","type":"inbox.rejected","data":{"partition":)" +
            std::to_string(record.at.partition) + R"(,"offset":)" +
            std::to_string(record.at.offset) + R"(,"error":{"code":"unencodable"}}})"});
  }
  r.reason = std::move(why);
  return r;
}

}  // namespace enroll
