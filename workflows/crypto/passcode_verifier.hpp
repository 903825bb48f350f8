#pragma once
// The only form in which a passcode is ever stored: a slow, salted Argon2id verifier.
#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "workflows/crypto/key_view.hpp"
#include "workflows/secret.hpp"

namespace enroll::crypto {

// The pepper (issue 15): a secret key of the key folder (keyring `passcode_pepper`) that keys
// every verifier. Argon2id runs over HMAC-SHA-256(pepper, passcode) instead of the passcode, so
// the stored verifiers alone (a Redis dump) cannot be searched offline. A verifier names the
// version it was made with; the last version is current.
using PepperVersion = KeyView;  // 32 bytes or more
using Peppers = std::vector<PepperVersion>;

// Argon2id cost. These are configuration: state them beside every benchmark figure.
struct PasscodeHashParams {
  unsigned long long opslimit = 2;
  std::size_t memlimit = std::size_t{16} * 1024 * 1024;  // bytes; used in whole KiB
  // The peppers, owned by whoever loaded the keys; none: verifiers are made unpeppered (the
  // primitive's own tests) and only unpeppered verifiers verify.
  const Peppers* peppers = nullptr;
};

// OWASP's least Argon2id cost (Password Storage Cheat Sheet): one lane and any of 46 MiB × 1
// pass, 19 MiB × 2, 12 MiB × 3, 9 MiB × 4, 7 MiB × 5. Release builds refuse less
// (enrollmentd's settings); the test and bench presets may go lower (ENROLL_WEAK_PASSCODE_COST).
[[nodiscard]] bool meets_owasp_floor(const PasscodeHashParams& params);
inline constexpr const char* kOwaspFloorText =
    "47104 KiB x 1 pass, 19456 x 2, 12288 x 3, 9216 x 4 or 7168 x 5";

// Argon2id (one lane) as a PHC string,
// "$argon2id$v=19$m=<KiB>,t=<ops>,p=1$<salt>$<hash>" (base64 without padding), which
// crypto_pwhash_str_verify accepts; with peppers, over HMAC-SHA-256(current pepper, passcode)
// and prefixed "pepper:<key id>:". The caller supplies the salt so that replaying the same
// events yields the same verifier. Throws Error(bad_setting) for parameters outside
// libsodium's limits, Error(crypto_failed) if the hashing fails (out of memory).
std::string make_passcode_verifier(const SecretString& passcode,
                                   std::span<const unsigned char, 16> salt,
                                   const PasscodeHashParams& params);

// True if the passcode matches the verifier (crypto_pwhash_str_verify): a peppered verifier
// with the pepper version it names (false if `peppers` no longer holds it); an unpeppered
// one (made before issue 15) as it is.
bool verify_passcode(const std::string& verifier, const SecretString& passcode,
                     const Peppers* peppers);

// The pepper version a verifier names ("" for an unpeppered one): what a rotation waits for.
std::string_view pepper_of(std::string_view verifier);

// Argon2id work that a step would do for a command: a verifier to make from a passcode, or a
// passcode to check against a stored verifier. The pointers are into the command and the
// state, which outlive the batch in which the work is done.
struct MakeVerifier {
  const SecretString* passcode = nullptr;
  std::array<unsigned char, 16> salt{};
};
struct CheckPasscode {
  const std::string* verifier = nullptr;
  const SecretString* passcode = nullptr;
};
using PasscodeWork = std::variant<MakeVerifier, CheckPasscode>;

// Argon2id results worked out ahead of the engine (enrollmentd's worker pool, off the ordered
// path) and looked up by their inputs; nullopt where there is none, and the caller computes it
// itself. It only caches pure functions, so an answer is the same with or without it.
class PasscodeResults {
 public:
  virtual ~PasscodeResults() = default;
  [[nodiscard]] virtual std::optional<std::string> verifier(
      const SecretString& passcode, std::span<const unsigned char, 16> salt,
      const PasscodeHashParams& params) const = 0;
  [[nodiscard]] virtual std::optional<bool> verified(const std::string& verifier,
                                                     const SecretString& passcode) const = 0;
};

// make_passcode_verifier and verify_passcode, taking the result from `ahead` when it has it.
std::string make_passcode_verifier(const SecretString& passcode,
                                   std::span<const unsigned char, 16> salt,
                                   const PasscodeHashParams& params, const PasscodeResults* ahead);
bool verify_passcode(const std::string& verifier, const SecretString& passcode,
                     const Peppers* peppers, const PasscodeResults* ahead);

// A per-registration salt: keyed BLAKE2b of the context (e.g. the registration id),
// truncated to 16 bytes. The key must be 16 to 64 bytes (Error(bad_key) otherwise).
std::array<unsigned char, 16> derive_salt(std::span<const unsigned char> key,
                                          std::string_view context);

}  // namespace enroll::crypto
