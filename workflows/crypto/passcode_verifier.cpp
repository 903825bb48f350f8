#include "workflows/crypto/passcode_verifier.hpp"

#include <sodium.h>

#include <algorithm>
#include <stdexcept>

#include "errors/errc.hpp"
#include "workflows/crypto/sodium_init.hpp"

namespace enroll::crypto {

namespace {

static_assert(crypto_pwhash_SALTBYTES == 16, "the verifier's salt span assumes 16 bytes");

// Same output length as crypto_pwhash_str, so the strings look alike.
constexpr std::size_t kHashBytes = 32;

std::string base64_no_padding(std::span<const unsigned char> bytes) {
  constexpr int variant = sodium_base64_VARIANT_ORIGINAL_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), variant);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

}  // namespace

std::string make_passcode_verifier(const SecretString& passcode,
                                   std::span<const unsigned char, 16> salt,
                                   const PasscodeHashParams& params) {
  ensure_sodium();
  if (params.opslimit < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
      params.opslimit > crypto_pwhash_argon2id_OPSLIMIT_MAX ||
      params.memlimit < crypto_pwhash_argon2id_MEMLIMIT_MIN ||
      params.memlimit > crypto_pwhash_argon2id_MEMLIMIT_MAX) {
    throw Error(Errc::bad_setting, "Argon2id parameters outside libsodium's limits");
  }
  std::array<unsigned char, kHashBytes> hash{};
  if (crypto_pwhash(hash.data(), hash.size(), passcode.view().data(), passcode.size(), salt.data(),
                    params.opslimit, params.memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw Error(Errc::crypto_failed, "Argon2id hashing failed (out of memory?)");
  }
  // libsodium runs Argon2id with memlimit / 1024 KiB and a single lane.
  std::string out = "$argon2id$v=19$m=" + std::to_string(params.memlimit / 1024) +
                    ",t=" + std::to_string(params.opslimit) + ",p=1$" + base64_no_padding(salt) +
                    "$" + base64_no_padding(hash);
  sodium_memzero(hash.data(), hash.size());
  return out;
}

bool verify_passcode(const std::string& verifier, const SecretString& passcode) {
  ensure_sodium();
  if (verifier.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(verifier.c_str(), passcode.view().data(), passcode.size()) == 0;
}

std::string make_passcode_verifier(const SecretString& passcode,
                                   std::span<const unsigned char, 16> salt,
                                   const PasscodeHashParams& params, const PasscodeResults* ahead) {
  if (ahead != nullptr) {
    if (auto done = ahead->verifier(passcode, salt, params)) return std::move(*done);
  }
  return make_passcode_verifier(passcode, salt, params);
}

bool verify_passcode(const std::string& verifier, const SecretString& passcode,
                     const PasscodeResults* ahead) {
  if (ahead != nullptr) {
    if (auto done = ahead->verified(verifier, passcode)) return *done;
  }
  return verify_passcode(verifier, passcode);
}

std::array<unsigned char, 16> derive_salt(std::span<const unsigned char> key,
                                          std::string_view context) {
  ensure_sodium();
  if (key.size() < crypto_generichash_KEYBYTES_MIN ||
      key.size() > crypto_generichash_KEYBYTES_MAX) {
    throw Error(Errc::bad_key, "derive_salt needs a key of 16 to 64 bytes");
  }
  std::array<unsigned char, crypto_generichash_BYTES> digest{};
  crypto_generichash(digest.data(), digest.size(),
                     reinterpret_cast<const unsigned char*>(context.data()), context.size(),
                     key.data(), key.size());
  std::array<unsigned char, 16> salt{};
  std::copy_n(digest.begin(), salt.size(), salt.begin());
  return salt;
}

}  // namespace enroll::crypto
