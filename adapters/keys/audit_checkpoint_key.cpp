#include "adapters/keys/audit_checkpoint_key.hpp"

#include <sodium.h>

#include <array>

#include "adapters/keys/keys.hpp"
#include "workflows/crypto/sodium_init.hpp"

namespace enroll {

std::string add_audit_checkpoint_key(const std::filesystem::path& keys) {
  crypto::ensure_sodium();
  std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> pub{};
  std::array<unsigned char, crypto_sign_SECRETKEYBYTES> secret{};
  crypto_sign_keypair(pub.data(), secret.data());
  auto id = add_key_version(keys, kAuditCheckpointPurpose, secret, pub);
  sodium_memzero(secret.data(), secret.size());
  return id;
}

Keyring load_audit_checkpoint_keys(const std::filesystem::path& keys) {
  return load_keyring(keys, kAuditCheckpointPurpose);
}

}  // namespace enroll
