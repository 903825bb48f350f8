// Fuzz target inbound_fuzz: one inbox record through the step enrollmentd runs on it
// (service/pipeline/step/message_step.hpp): its bytes and key -> decode -> the engine over the
// stored state (its record from the bytes too, see inbound_input.hpp, read as Store::load
// reads it) -> the outputs encoded, or the dead letter of bad input -> the new state's stored
// form, read back.
// Fails on: an exception out of the step or out of reading the record other than
// StateDecodeError, a message over the producer's limits
// (codec/limits.hpp), a result that is neither a dead letter with its reason nor outputs
// without one, a stored state over its limit or that does not read back to itself, and an
// engine_fault on a registration never seen (no stored state can be to blame: a bug), and a
// canonical form of the bytes written from RapidJSON's document (codec/canonical_event.hpp:
// what the decoder verifies and hashes) that differs from crypto::canonical_json's over
// nlohmann's reading of them (what producers sign), or that one refuses and the other not.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>

#include "adapters/codec/bounded_json.hpp"
#include "adapters/codec/canonical_event.hpp"
#include "adapters/codec/inbound_decoder.hpp"
#include "adapters/codec/limits.hpp"
#include "adapters/codec/outbound_encoder.hpp"
#include "service/pipeline/step/message_step.hpp"
#include "tests/fuzz/fuzz_check.hpp"
#include "tests/fuzz/fuzz_world.hpp"
#include "tests/fuzz/inbound_input.hpp"
#include "tests/unit/test_trust.hpp"
#include "workflows/crypto/canonical_json.hpp"

namespace enroll::fuzz {
namespace {

// `raw` signed by enrollmentd (the orchestrator: no freshness window, so the input's time
// stays as it is), its other bytes kept.
std::string resigned(std::string_view raw) {
  return testing::signed_text(raw, testing::test_signer(trust::kOrchestratorPrincipal));
}

// The stored state the record applies to, read as Store::load reads it (state_from_record);
// none for a registration never seen. A record that does not decode is quarantined, never
// applied. Any other exception than StateDecodeError escapes: a bug.
struct Stored {
  bool quarantined = false;
  std::optional<Registration> state;
};
Stored stored_state(std::string_view record) {
  if (record.empty()) return {};
  try {
    return {false, state_from_record(record)};
  } catch (const StateDecodeError&) {
    return {true, std::nullopt};
  }
}

void check_canonical_forms_agree(std::string_view bytes) {
  rapidjson::Document doc;
  if (codec::parse_bounded(bytes, doc)) return;  // refused before any canonical form
  std::optional<codec::CanonicalEvent> ours;
  try {
    ours = codec::canonical_event(doc, trust::kSignatureAttribute);
  } catch (const crypto::CanonicalJsonError&) {
  }
  nlohmann::json parsed;
  try {
    parsed = nlohmann::json::parse(bytes);
  } catch (const nlohmann::json::exception& e) {
    fail(std::string("nlohmann refuses what parse_bounded accepted: ") + e.what());
  }
  std::optional<std::string> whole, unsigned_form;
  try {
    whole = crypto::canonical_json(parsed);
    unsigned_form = crypto::canonical_json(parsed, trust::kSignatureAttribute);
  } catch (const crypto::CanonicalJsonError&) {
  }
  if (ours.has_value() != whole.has_value()) {
    fail("one canonical form refuses what the other writes");
  }
  if (ours && (ours->whole != *whole || ours->unsigned_form != *unsigned_form)) {
    fail("the canonical forms differ: " + ours->whole.substr(0, 200) + " / " +
         whole->substr(0, 200));
  }
}

void check(const StepResult& r, const codec::OutboundEncoder& encoder, bool fresh) {
  for (const auto& m : r.outbox) {
    if (m.value.size() > codec::max_output_value_bytes ||
        m.key.size() > codec::max_output_key_bytes) {
      fail("a message to " + m.topic + " of " + std::to_string(m.key.size()) + " + " +
           std::to_string(m.value.size()) + " bytes: over the producer's limits");
    }
  }
  const bool dead = r.kind == StepKind::dead_lettered || r.kind == StepKind::engine_fault;
  if (dead != r.reason.has_value()) fail("a dead letter without its reason, or the reverse");
  if (dead && (r.outbox.size() != 1 || r.outbox.front().topic != encoder.dlq_topic())) {
    fail("a dead-lettered record emits " + std::to_string(r.outbox.size()) +
         " messages, not its one dead letter");
  }
  if (r.kind == StepKind::engine_fault && fresh) {
    fail("engine_fault on a registration never seen: " + r.reason->message);
  }
  if (!r.state) return;
  if (r.state_record.size() > codec::max_state_bytes) fail("a stored state over its limit");
  if (state_to_record(state_from_record(r.state_record)) != r.state_record) {
    fail("a stored state that does not read back to itself (" +
         std::to_string(r.state_record.size()) + " bytes)");
  }
}

}  // namespace
}  // namespace enroll::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace enroll;
  static const codec::InboundDecoder decoder(fuzz::world().schemas, fuzz::world().seal_keys,
                                             testing::test_verifier());
  static const codec::OutboundEncoder encoder(Topics{}, "/enrollmentd",
                                              testing::test_signer(trust::kOrchestratorPrincipal));
  static const MessageStep step(decoder, encoder);
  const auto input = fuzz::split_inbound({reinterpret_cast<const char*>(data), size});
  const auto stored = fuzz::stored_state(input.state);
  if (stored.quarantined) return 0;  // moved aside by Store::load; the message is not applied
  const auto& current = stored.state;
  // A second after the state's last change: its due timers fire, its deadlines hold.
  const Timestamp now =
      (current ? current->updated_at : Timestamp(std::chrono::milliseconds(1'800'000'000'000))) +
      std::chrono::seconds(1);
  // Signed again, so that coverage goes past the verification (its own test is the unit's).
  fuzz::check_canonical_forms_agree(input.value);
  const std::string value = fuzz::resigned(input.value);
  const InboxRecord record{{Topics{}.inbox(), 0, 42}, input.key, value, now};

  const auto decoded = step.decode(record);
  const auto* in = std::get_if<Inbound>(&decoded);
  const StepResult r = in != nullptr
                           ? step.apply(record, *in, current, fuzz::world().engine)
                           : step.dead_letter(record, std::get<codec::DecodeError>(decoded));
  fuzz::check(r, encoder, !current.has_value());
  return 0;
}
