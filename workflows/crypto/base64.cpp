#include "workflows/crypto/base64.hpp"

#include <sodium.h>

#include "workflows/crypto/sodium_init.hpp"

namespace enroll::crypto {

std::string to_base64(std::span<const unsigned char> bytes) {
  ensure_sodium();
  constexpr int variant = sodium_base64_VARIANT_ORIGINAL;
  // sodium_base64_ENCODED_LEN counts the terminating NUL.
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), variant);
  out.resize(out.size() - 1);
  return out;
}

std::optional<std::vector<unsigned char>> from_base64(std::string_view text) {
  ensure_sodium();
  std::vector<unsigned char> out(text.size() / 4 * 3 + 3);
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &length, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(length);
  return out;
}

}  // namespace enroll::crypto
