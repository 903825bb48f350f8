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

constexpr std::string_view kPepperPrefix = "pepper:";

// HMAC-SHA-256(pepper, passcode): what Argon2id hashes when there is a pepper.
std::array<unsigned char, crypto_auth_hmacsha256_BYTES> peppered(const PepperVersion& pepper,
                                                                 const SecretString& passcode) {
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> out{};
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, pepper.key.data(), pepper.key.size());
  crypto_auth_hmacsha256_update(
      &state, reinterpret_cast<const unsigned char*>(passcode.view().data()), passcode.size());
  crypto_auth_hmacsha256_final(&state, out.data());
  sodium_memzero(&state, sizeof state);
  return out;
}

}  // namespace

bool meets_owasp_floor(const PasscodeHashParams& params) {
  struct Row {
    std::size_t kib;
    unsigned long long passes;
  };
  constexpr std::array kFloor{Row{47104, 1}, Row{19456, 2}, Row{12288, 3}, Row{9216, 4},
                              Row{7168, 5}};
  const std::size_t kib = params.memlimit / 1024;
  return std::any_of(kFloor.begin(), kFloor.end(),
                     [&](const Row& r) { return kib >= r.kib && params.opslimit >= r.passes; });
}

std::string_view pepper_of(std::string_view verifier) {
  if (!verifier.starts_with(kPepperPrefix)) return {};
  verifier.remove_prefix(kPepperPrefix.size());
  const auto end = verifier.find(':');
  return end == std::string_view::npos ? std::string_view{} : verifier.substr(0, end);
}

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
  const PepperVersion* pepper =
      params.peppers != nullptr && !params.peppers->empty() ? &params.peppers->back() : nullptr;
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> keyed{};
  if (pepper != nullptr) keyed = peppered(*pepper, passcode);
  const char* input =
      pepper != nullptr ? reinterpret_cast<const char*>(keyed.data()) : passcode.view().data();
  const std::size_t input_size = pepper != nullptr ? keyed.size() : passcode.size();
  std::array<unsigned char, kHashBytes> hash{};
  const int rc = crypto_pwhash(hash.data(), hash.size(), input, input_size, salt.data(),
                               params.opslimit, params.memlimit, crypto_pwhash_ALG_ARGON2ID13);
  sodium_memzero(keyed.data(), keyed.size());
  if (rc != 0) throw Error(Errc::crypto_failed, "Argon2id hashing failed (out of memory?)");
  // libsodium runs Argon2id with memlimit / 1024 KiB and a single lane.
  std::string out = (pepper != nullptr ? std::string(kPepperPrefix) + pepper->id + ":" : "") +
                    "$argon2id$v=19$m=" + std::to_string(params.memlimit / 1024) +
                    ",t=" + std::to_string(params.opslimit) + ",p=1$" + base64_no_padding(salt) +
                    "$" + base64_no_padding(hash);
  sodium_memzero(hash.data(), hash.size());
  return out;
}

bool verify_passcode(const std::string& verifier, const SecretString& passcode,
                     const Peppers* peppers) {
  ensure_sodium();
  const std::string_view id = pepper_of(verifier);
  if (id.empty()) {
    if (verifier.size() >= crypto_pwhash_STRBYTES) return false;
    return crypto_pwhash_str_verify(verifier.c_str(), passcode.view().data(), passcode.size()) == 0;
  }
  if (peppers == nullptr) return false;
  const auto pepper = std::find_if(peppers->begin(), peppers->end(),
                                   [&](const PepperVersion& p) { return p.id == id; });
  if (pepper == peppers->end()) return false;
  const std::string phc = verifier.substr(kPepperPrefix.size() + id.size() + 1);
  if (phc.size() >= crypto_pwhash_STRBYTES) return false;
  auto keyed = peppered(*pepper, passcode);
  const bool ok = crypto_pwhash_str_verify(phc.c_str(), reinterpret_cast<const char*>(keyed.data()),
                                           keyed.size()) == 0;
  sodium_memzero(keyed.data(), keyed.size());
  return ok;
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
                     const Peppers* peppers, const PasscodeResults* ahead) {
  if (ahead != nullptr) {
    if (auto done = ahead->verified(verifier, passcode)) return *done;
  }
  return verify_passcode(verifier, passcode, peppers);
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
