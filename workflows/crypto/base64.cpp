#include "workflows/crypto/base64.hpp"

#include <openssl/evp.h>
#include <sodium.h>

#include <algorithm>

#include "workflows/crypto/sodium_init.hpp"

namespace enroll::crypto {
namespace {

std::string encode(std::span<const unsigned char> bytes, int variant) {
  ensure_sodium();
  // sodium_base64_ENCODED_LEN counts the terminating NUL.
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), variant);
  out.resize(out.size() - 1);
  return out;
}

std::optional<std::vector<unsigned char>> decode(std::string_view text, int variant) {
  ensure_sodium();
  std::vector<unsigned char> out(text.size() / 4 * 3 + 3);
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &length, &end,
                        variant) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(length);
  return out;
}

}  // namespace

std::string to_base64(std::span<const unsigned char> bytes) {
  return encode(bytes, sodium_base64_VARIANT_ORIGINAL);
}

std::optional<std::vector<unsigned char>> from_base64(std::string_view text) {
  return decode(text, sodium_base64_VARIANT_ORIGINAL);
}

std::string to_base64url(std::span<const unsigned char> bytes) {
  return encode(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

std::optional<std::vector<unsigned char>> from_base64url(std::string_view text) {
  return decode(text, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

std::string to_base64url_public(std::span<const unsigned char> bytes) {
  std::string out((bytes.size() + 2) / 3 * 4 + 1, '\0');  // + the NUL EVP_EncodeBlock writes
  std::size_t written = 0;
  // EVP_EncodeBlock takes an int length: chunks of a multiple of 3 bytes, each written where
  // the one before ended (over its NUL).
  constexpr std::size_t kChunk = std::size_t{3} << 20;
  for (std::size_t at = 0; at < bytes.size(); at += kChunk) {
    const std::size_t n = std::min(kChunk, bytes.size() - at);
    written += static_cast<std::size_t>(
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data() + written), bytes.data() + at,
                        static_cast<int>(n)));
  }
  out.resize(written);
  // Standard base64 to base64url without padding.
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

}  // namespace enroll::crypto
