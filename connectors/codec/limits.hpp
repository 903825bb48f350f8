#pragma once
// Sizes that bound what enrollmentd writes, in one place: every message it produces and every
// state it stores fits these, whatever the input was.
#include <cstddef>

namespace enroll::codec {

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
