#pragma once
// Random identifiers for the edges (operator command ids, idempotency keys). The engine never
// uses randomness: its ids are derived from its inputs, so that a replay makes the same ones.
#include <cstddef>
#include <string>

namespace enroll::crypto {

// `bytes` random bytes from libsodium, as 2 * bytes lowercase hex digits.
std::string random_hex(std::size_t bytes);

}  // namespace enroll::crypto
