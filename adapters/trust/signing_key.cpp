#include "adapters/trust/signing_key.hpp"

#include <sodium.h>
#include <sys/stat.h>

#include <array>
#include <stdexcept>

#include "adapters/keys/key_file.hpp"
#include "adapters/keys/keys.hpp"
#include "workflows/crypto/base64.hpp"
#include "workflows/crypto/sodium_init.hpp"

namespace enroll::trust {
namespace {

const unsigned char* bytes_of(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());  // NOLINT: libsodium takes bytes
}

std::size_t secret_size(Alg alg) {
  return alg == Alg::ed25519 ? kEd25519SecretKeyBytes : kHmacKeyBytes;
}

}  // namespace

SigningKey::SigningKey(TrustedKey key, SecretString secret)
    : key_(std::move(key)), secret_(std::move(secret)) {
  crypto::ensure_sodium();
  if (secret_.size() != secret_size(key_.alg)) {
    throw Error(Errc::bad_key, "key " + key_.id.str() + ": " + std::to_string(secret_.size()) +
                                   " bytes, expected " + std::to_string(secret_size(key_.alg)));
  }
  if (key_.alg == Alg::ed25519) {
    // The pair from the seed, not the secret key's copy of the public half: a file whose two
    // halves disagree would sign with a key nobody can verify.
    std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> pk{};
    std::array<unsigned char, crypto_sign_SECRETKEYBYTES> sk{};
    crypto_sign_seed_keypair(pk.data(), sk.data(), bytes_of(secret_.view()));
    const bool same = sodium_memcmp(sk.data(), bytes_of(secret_.view()), sk.size()) == 0 &&
                      sodium_memcmp(pk.data(), key_.public_key.data(), pk.size()) == 0;
    sodium_memzero(sk.data(), sk.size());
    if (!same) {
      throw Error(Errc::bad_key,
                  "key " + key_.id.str() + ": not the pair of the trust file's public key");
    }
  }
}

std::filesystem::path SigningKey::file(const std::filesystem::path& key_dir, const KeyId& id) {
  return key_dir / kSigningDir / (id.str() + ".key");
}

SigningKey SigningKey::load(const std::filesystem::path& key_dir, const TrustedKey& key) {
  const auto path = file(key_dir, key.id);
  std::string text = read_key_file(path);
  auto bytes = crypto::from_base64(text);
  secure_wipe(text);
  if (!bytes) throw KeysError("signing key " + quoted(path) + " is not valid base64");
  SecretString secret(std::string(bytes->begin(), bytes->end()));
  sodium_memzero(bytes->data(), bytes->size());
  try {
    return SigningKey(key, std::move(secret));
  } catch (const Error& e) {
    throw KeysError("signing key " + quoted(path) + ": " + e.what());
  }
}

std::string SigningKey::sign(std::string_view bytes) const {
  if (key_.alg == Alg::ed25519) {
    std::string sig(kEd25519SignatureBytes, '\0');
    crypto_sign_detached(reinterpret_cast<unsigned char*>(sig.data()), nullptr,  // NOLINT
                         bytes_of(bytes), bytes.size(), bytes_of(secret_.view()));
    return sig;
  }
  std::string mac(kHmacBytes, '\0');
  crypto_auth_hmacsha256(reinterpret_cast<unsigned char*>(mac.data()),  // NOLINT
                         bytes_of(bytes), bytes.size(), bytes_of(secret_.view()));
  return mac;
}

bool SigningKey::verify_mac(std::string_view bytes, std::span<const unsigned char> mac) const {
  if (key_.alg != Alg::hmac_sha256 || mac.size() != kHmacBytes) return false;
  std::array<unsigned char, kHmacBytes> expected{};
  crypto_auth_hmacsha256(expected.data(), bytes_of(bytes), bytes.size(), bytes_of(secret_.view()));
  const bool same = crypto_verify_32(expected.data(), mac.data()) == 0;
  sodium_memzero(expected.data(), expected.size());
  return same;
}

}  // namespace enroll::trust
