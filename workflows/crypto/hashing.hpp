#pragma once
// Digests for integrity and pseudonymisation (citizen IDs in the audit trail), and a
// timing-safe comparison for tokens.
#include <array>
#include <span>
#include <string>
#include <string_view>

namespace enroll::crypto {

// SHA-256, lowercase hex.
std::string sha256_hex(std::string_view data);

// HMAC-SHA256, lowercase hex. Keyed, so a citizen ID cannot be recovered by hashing all
// 10^12 candidates. Throws Error(bad_key) for an empty key.
std::string keyed_hash_hex(std::span<const unsigned char> key, std::string_view data);
// The same HMAC-SHA256, its 32 bytes.
std::array<unsigned char, 32> keyed_hash(std::span<const unsigned char> key, std::string_view data);

// Equal length and equal bytes, in time independent of where they differ.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace enroll::crypto
