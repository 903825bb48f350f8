#pragma once
// The bounds in one place, for the decoder, the message step, the dead letters and the fuzz
// targets alike: what enroll.inbox accepts (checked before any recursive code runs: RapidJSON's
// schema validator and writer and nlohmann's parser all recurse), and what enrollmentd writes
// (every message it produces and every state it stores fits, whatever the input was).
#include <cstddef>

namespace enroll::codec {

// What enroll.inbox accepts.

// Bytes of one inbox message, checked before parsing. The largest legitimate message, a card
// read's task.result (card.chip.read, card.front.ocr), is under 2 KiB; 64 KiB leaves room
// for real connectors' longer names and references without letting one message cost much.
inline constexpr std::size_t kMaxInboundBytes = std::size_t{64} * 1024;

// Nesting of arrays and objects, the envelope being level 1 (data 2, a task's outputs 3).
// Counted while parsing (RapidJSON's iterative parser), so no recursion ever sees more.
inline constexpr std::size_t kMaxJsonDepth = 32;

// A number's magnitude must stay below 2^63: every integer then fits an int64_t, and no
// field of the contract needs a larger double (scores are within [0, 1], codes small).
inline constexpr double kMaxNumberMagnitude = 9223372036854775808.0;  // 2^63

// What enrollmentd writes.

// librdkafka's default message.max.bytes is 1,000,000 for the whole record (key, value,
// headers and framing); a value up to this leaves room for the rest.
inline constexpr std::size_t max_output_value_bytes = 900'000;
inline constexpr std::size_t max_output_key_bytes = 1'024;

// A stored registration state (a real one is ~3 KB); larger means the input that led to it
// is refused. Below the read limit of stored records, so whatever is written can be read.
inline constexpr std::size_t max_state_bytes = 512 * 1024;

// What a dead letter keeps of the input: an excerpt of the payload and of the key (the
// payload's SHA-256 and size identify it whole), and of the reason's text.
inline constexpr std::size_t dead_letter_excerpt_bytes = 1'024;
inline constexpr std::size_t dead_letter_key_bytes = 256;
inline constexpr std::size_t dead_letter_message_bytes = 1'024;

}  // namespace enroll::codec
