#include "workflows/crypto/sealed_box.hpp"

#include <stdexcept>
#include <string>
#include <vector>

#include "errors/errc.hpp"
#include "workflows/crypto/base64.hpp"
#include "workflows/crypto/sodium_init.hpp"

namespace enroll::crypto {

SealKeyPair generate_seal_keypair() {
  ensure_sodium();
  SealKeyPair keys{};
  if (crypto_box_keypair(keys.pub.bytes.data(), keys.secret.data()) != 0) {
    throw Error(Errc::crypto_failed, "crypto_box_keypair failed");
  }
  return keys;
}

std::string seal(std::string_view plaintext, const SealPublicKey& key) {
  ensure_sodium();
  std::vector<unsigned char> box(crypto_box_SEALBYTES + plaintext.size());
  if (crypto_box_seal(box.data(), reinterpret_cast<const unsigned char*>(plaintext.data()),
                      plaintext.size(), key.bytes.data()) != 0) {
    throw Error(Errc::crypto_failed, "crypto_box_seal failed");
  }
  return to_base64(box);
}

std::optional<SecretString> open_sealed(std::string_view base64, const SealKeyPair& keys) {
  ensure_sodium();
  const auto box = from_base64(base64);
  if (!box || box->size() < crypto_box_SEALBYTES) return std::nullopt;
  std::string plain(box->size() - crypto_box_SEALBYTES, '\0');
  if (crypto_box_seal_open(reinterpret_cast<unsigned char*>(plain.data()), box->data(), box->size(),
                           keys.pub.bytes.data(), keys.secret.data()) != 0) {
    return std::nullopt;
  }
  SecretString secret(std::move(plain));
  secure_wipe(plain);  // a short string leaves its bytes behind in the moved-from buffer
  return secret;
}

}  // namespace enroll::crypto
