#include "adapters/keys/seal_publisher.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <system_error>

#include "adapters/keys/key_file.hpp"
#include "adapters/keys/keys.hpp"
#include "workflows/crypto/base64.hpp"
#include "workflows/crypto/sodium_init.hpp"

namespace enroll {

namespace fs = std::filesystem;

std::string add_seal_publisher_version(const fs::path& keys) {
  crypto::ensure_sodium();
  std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> pub{};
  std::array<unsigned char, crypto_sign_SECRETKEYBYTES> secret{};
  crypto_sign_keypair(pub.data(), secret.data());
  std::string id;
  try {
    id = add_key_version(keys, kSealPublisher, secret, pub);
  } catch (...) {
    sodium_memzero(secret.data(), secret.size());
    throw;
  }
  sodium_memzero(secret.data(), secret.size());
  return id;
}

Keyring load_seal_publisher(const fs::path& keys) { return load_keyring(keys, kSealPublisher); }

crypto::PublisherKeys load_seal_publisher_public_keys(const fs::path& keys) {
  const fs::path dir = keyring_dir(keys, kSealPublisher);
  crypto::PublisherKeys trusted;
  std::error_code ec;
  const std::string prefix = std::string(kSealPublisher) + "-";
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& path = it->path();
    const std::string name = path.filename().string();
    if (path.extension() != ".pub" || name.rfind(prefix, 0) != 0) continue;
    const auto bytes =
        crypto::from_base64(read_key_file(path, kMaxKeyFileBytes, Exposure::public_));
    if (!bytes || bytes->size() != crypto_sign_PUBLICKEYBYTES) {
      throw KeysError("key file " + quoted(path) + " is not an Ed25519 public key in base64");
    }
    crypto::PublisherKey key{};
    std::copy(bytes->begin(), bytes->end(), key.begin());
    trusted.emplace(path.stem().string(), key);
  }
  if (trusted.empty()) {
    throw KeysError("no seal_publisher-<n>.pub in " + quoted(dir) +
                    " (copy enrollmentd's there: the key that signs the passcode sealing key)");
  }
  return trusted;
}

}  // namespace enroll
