#pragma once
// The only form in which a passcode is ever stored: a slow, salted Argon2id verifier.
#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "workflows/secret.hpp"

namespace enroll::crypto {

// Argon2id cost. These are configuration: state them beside every benchmark figure.
struct PasscodeHashParams {
  unsigned long long opslimit = 2;
  std::size_t memlimit = 16u * 1024 * 1024;  // bytes; used in whole KiB
};

// Argon2id (one lane) as a PHC string,
// "$argon2id$v=19$m=<KiB>,t=<ops>,p=1$<salt>$<hash>" (base64 without padding), which
// crypto_pwhash_str_verify accepts. The caller supplies the salt so that replaying the same
// events yields the same verifier. Throws std::invalid_argument for parameters outside
// libsodium's limits, std::runtime_error if the hashing fails (out of memory).
std::string make_passcode_verifier(const SecretString& passcode,
                                   std::span<const unsigned char, 16> salt,
                                   const PasscodeHashParams& params);

// True if the passcode matches the verifier (crypto_pwhash_str_verify).
bool verify_passcode(const std::string& verifier, const SecretString& passcode);

// A per-registration salt: keyed BLAKE2b of the context (e.g. the registration id),
// truncated to 16 bytes. The key must be 16 to 64 bytes (std::invalid_argument otherwise).
std::array<unsigned char, 16> derive_salt(std::span<const unsigned char> key,
                                          std::string_view context);

}  // namespace enroll::crypto
