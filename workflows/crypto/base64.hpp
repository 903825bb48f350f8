#pragma once
// Standard base64 (RFC 4648 alphabet, with padding), the encoding of keys and sealed boxes; and
// base64url without padding (RFC 4648 section 5), the encoding of inbox signatures.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace enroll::crypto {

std::string to_base64(std::span<const unsigned char> bytes);
// nullopt unless the whole text is valid padded base64.
std::optional<std::vector<unsigned char>> from_base64(std::string_view text);

std::string to_base64url(std::span<const unsigned char> bytes);
// The same text as to_base64url, by OpenSSL's table-driven encoder, for bytes that are not
// secret (ciphertext, signatures, ids): its table lookups depend on the bytes (a cache-timing
// channel), which is why keys and tokens keep libsodium's constant-time encoder above. It is
// 3.3 times faster on 900 bytes (tests/unit/encode_cost; issue 16: the outbox's sealed
// values, ~1 KB each, several per event).
std::string to_base64url_public(std::span<const unsigned char> bytes);
// nullopt unless the whole text is base64url without padding (unused trailing bits zero).
std::optional<std::vector<unsigned char>> from_base64url(std::string_view text);

}  // namespace enroll::crypto
