#pragma once
// The bounds on what enroll.inbox accepts, in one place (for the decoder, the dead-letter
// code and the fuzz targets alike): the decoder checks them before any recursive code runs
// (RapidJSON's schema validator and writer and nlohmann's parser all recurse).
#include <cstddef>

namespace enroll::codec {

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

}  // namespace enroll::codec
