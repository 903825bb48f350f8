#include "workflows/crypto/base64.hpp"

#include <sodium.h>

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

}  // namespace enroll::crypto
