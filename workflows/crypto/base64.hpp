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
// nullopt unless the whole text is base64url without padding (unused trailing bits zero).
std::optional<std::vector<unsigned char>> from_base64url(std::string_view text);

}  // namespace enroll::crypto
