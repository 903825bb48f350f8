#include "workflows/crypto/hashing.hpp"

#include <openssl/evp.h>
#include <sodium.h>

#include <stdexcept>

#include "errors/errc.hpp"
#include "workflows/crypto/sodium_init.hpp"

namespace enroll::crypto {

namespace {

std::string to_hex(const unsigned char* bytes, std::size_t size) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(digits[bytes[i] >> 4]);
    out.push_back(digits[bytes[i] & 0x0f]);
  }
  return out;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), md, &size, EVP_sha256(), nullptr) != 1) {
    throw Error(Errc::crypto_failed, "SHA-256 failed");
  }
  return to_hex(md, size);
}

std::array<unsigned char, 32> keyed_hash(std::span<const unsigned char> key,
                                         std::string_view data) {
  if (key.empty()) throw Error(Errc::bad_key, "keyed_hash needs a non-empty key");
  std::array<unsigned char, 32> mac{};
  std::size_t size = 0;
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(),
                reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data(),
                mac.size(), &size) == nullptr ||
      size != mac.size()) {
    throw Error(Errc::crypto_failed, "HMAC-SHA256 failed");
  }
  return mac;
}

std::string keyed_hash_hex(std::span<const unsigned char> key, std::string_view data) {
  const auto mac = keyed_hash(key, data);
  return to_hex(mac.data(), mac.size());
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  ensure_sodium();
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace enroll::crypto
