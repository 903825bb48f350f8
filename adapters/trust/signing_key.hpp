#pragma once
// One key's secret half, from `signing/<key id>.key` in the key folder (mode 0600, base64):
// a 32-byte HMAC-SHA256 key, or a 64-byte Ed25519 secret key (libsodium's seed and public
// key). Held in a SecretString, wiped when the key goes; never printed.
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "adapters/trust/trust_file.hpp"
#include "workflows/secret.hpp"

namespace enroll::trust {

inline constexpr std::size_t kHmacKeyBytes = 32;
inline constexpr std::size_t kEd25519SecretKeyBytes = 64;
inline constexpr std::size_t kHmacBytes = 32;
inline constexpr std::size_t kEd25519SignatureBytes = 64;

class SigningKey {
 public:
  // `secret`: the raw key bytes, of the size `key.alg` needs; an Ed25519 key's public half
  // must be the trust file's. Throws Error(bad_key).
  SigningKey(TrustedKey key, SecretString secret);

  // key_dir/signing/<key.id>.key. Throws KeysError naming the file (missing, readable by
  // others than its owner, not base64, the wrong size, another key pair than the trust file's).
  static SigningKey load(const std::filesystem::path& key_dir, const TrustedKey& key);
  [[nodiscard]] static std::filesystem::path file(const std::filesystem::path& key_dir,
                                                  const KeyId& id);

  [[nodiscard]] const TrustedKey& key() const noexcept { return key_; }

  // The raw signature (MAC) of `bytes`: 32 bytes for HMAC-SHA256, 64 for Ed25519.
  [[nodiscard]] std::string sign(std::string_view bytes) const;
  // HMAC only: whether `mac` is the MAC of `bytes`, compared in constant time.
  [[nodiscard]] bool verify_mac(std::string_view bytes, std::span<const unsigned char> mac) const;

 private:
  TrustedKey key_;
  SecretString secret_;
};

}  // namespace enroll::trust
