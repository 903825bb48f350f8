// Fuzz target inbound_fuzz: one inbox record through the chain that enrollmentd runs on it:
// its bytes and key -> InboundDecoder::decode -> the engine's apply over the stored state
// (built from the bytes too, see inbound_input.hpp) -> OutboundEncoder: the outputs, or the
// dead letter of bad input -> the new state's stored form, read back.
// This drives the chain as it stands, catching nothing: a throw anywhere is a crash.
// Fails on: an exception, a message over the producer's limit, a stored state that does not
// read back to itself.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "connectors/codec/inbound_decoder.hpp"
#include "connectors/codec/outbound_encoder.hpp"
#include "tests/fuzz/fuzz_check.hpp"
#include "tests/fuzz/fuzz_world.hpp"
#include "tests/fuzz/inbound_input.hpp"
#include "workflows/engine.hpp"

namespace enroll::fuzz {
namespace {

// librdkafka's default message.max.bytes (the whole record: key, value and framing).
constexpr std::size_t producer_limit = 1'000'000;

// The stored state the record applies to; none for a registration never seen, and none for
// bytes that are not a stored state (what enrollmentd does with such a record is the
// quarantine's business, not this chain's).
std::optional<Registration> stored_state(std::string_view text) {
  if (text.empty()) return std::nullopt;
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  try {
    return state_from_json(j);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

void check_size(const codec::OutboxMessage& m) {
  if (m.key.size() + m.value.size() > producer_limit) {
    fail("a message to " + m.topic + " of " + std::to_string(m.key.size() + m.value.size()) +
         " bytes: over the producer's limit");
  }
}

}  // namespace
}  // namespace enroll::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace enroll;
  static const codec::InboundDecoder decoder(fuzz::world().schemas, fuzz::world().seal_keys);
  static const codec::OutboundEncoder encoder(Topics{}, "/enrollmentd");
  const auto input = fuzz::split_inbound({reinterpret_cast<const char*>(data), size});
  const auto current = fuzz::stored_state(input.state);
  // A second after the state's last change: its due timers fire, its deadlines hold.
  const Timestamp now =
      (current ? current->updated_at : Timestamp(std::chrono::milliseconds(1'800'000'000'000))) +
      std::chrono::seconds(1);

  const auto decoded = decoder.decode(input.value, input.key);
  if (const auto* error = std::get_if<codec::DecodeError>(&decoded)) {
    fuzz::check_size(
        encoder.dead_letter({"enroll.inbox", 0, 0}, input.key, input.value, *error, now));
    return 0;
  }
  const auto& in = std::get<Inbound>(decoded);
  const auto outcome = apply(current, in, now, fuzz::world().engine);
  const Registration* after = outcome.state ? &*outcome.state : current ? &*current : nullptr;
  for (const auto& m : encoder.encode(in.subject, in.id, after ? after->state_version : 0,
                                      in.traceparent, now, outcome.effects)) {
    fuzz::check_size(m);
  }
  if (outcome.state) {
    const auto stored = state_to_json(*outcome.state).dump();
    if (state_to_json(state_from_json(nlohmann::json::parse(stored))).dump() != stored) {
      fuzz::fail("a stored state that does not read back to itself: " + stored);
    }
  }
  return 0;
}
