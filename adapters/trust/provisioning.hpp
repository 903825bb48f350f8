#pragma once
// Making keys and keeping the trust file (enroll-keygen): a new key for a principal, rotation
// (a new key, the old one kept until an overlap ends), revocation, and writing both to the key
// folder (the trust file public, each secret in signing/<key id>.key with mode 0600).
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/trust/trust_file.hpp"
#include "workflows/secret.hpp"

namespace enroll::trust {

inline constexpr std::chrono::hours kDefaultRotationOverlap{24 * 7};

struct NewKey {
  TrustedKey key;       // as the trust file lists it (an Ed25519 key with its public half)
  SecretString secret;  // what signing/<id>.key holds (raw bytes)
};

// The default principals' names, as the producers of this tree sign with them.
inline constexpr const char* kOrchestratorPrincipal = "enrollmentd";
inline constexpr const char* kOperatorPrincipal = "operator-api";
// The registry office's consoles: they start officer-assisted registrations naming the
// officer, take the counter's steps (fingerprint.capture) and answer the officer's tasks.
inline constexpr const char* kOfficerConsolePrincipal = "officer-console";
// The channel back-end that sends the citizen's commands of `channel`: channel-kiosk (kiosk),
// channel-app (the citizen's own app: self-service, passcode-reset, officer-assisted at the
// counter, and any channel not listed).
[[nodiscard]] PrincipalName channel_principal(std::string_view channel);
// Who answers the tasks of `connector`: connector-<name>, but the officer console for
// `officer` (an officer's review decision is the console's, signed with the officer's id).
[[nodiscard]] PrincipalName connector_principal(std::string_view connector);

// A principal of a new key folder and the algorithm of its first key.
struct DefaultPrincipal {
  Principal principal;
  Alg alg;
};

// The principals a dev, test or demo setup needs, for the tasks this build knows (task ->
// connector, codec::known_tasks()): `channel-app` (self-service, passcode-reset,
// officer-assisted) and `channel-kiosk` (kiosk); `officer-console` (officer-assisted, with
// the `officer` connector's tasks), Ed25519: its decisions must be attributable; one
// `connector-<name>` per other connector with its tasks; `operator-api`, Ed25519;
// `enrollmentd` with the orchestrator's own tasks. The high-volume ones (channel back-ends,
// the other connectors, enrollmentd) get `high_volume` (HMAC-SHA256 by default: see the
// README's Benchmark).
[[nodiscard]] std::vector<DefaultPrincipal> default_principals(
    const std::map<std::string, std::string>& task_connectors, Alg high_volume = Alg::hmac_sha256);

// A new trust file with the first key (<name>-1) of each principal, valid from not_before;
// the secrets in the same order as trust.keys.
struct NewTrust {
  TrustFile trust;
  std::vector<SecretString> secrets;
};
[[nodiscard]] NewTrust new_trust(const std::vector<DefaultPrincipal>& principals,
                                 Timestamp not_before);

// A new key folder (enroll-keygen DIR, the integration tests): the engine's keys
// (keys::generate_keys), then the default principals' signing keys (the high-volume ones of
// `high_volume`), valid from not_before, and trust.json; then operators.json with the demo
// operator (kDemoOperator) and the demo reader (kDemoReader), their tokens in
// demo_token_file(dir, who). Throws KeysError (a file exists
// and not `force`), TrustFileError.
void provision_key_folder(const std::filesystem::path& dir,
                          const std::map<std::string, std::string>& task_connectors,
                          Timestamp not_before, bool force = false,
                          Alg high_volume = Alg::hmac_sha256);

// A fresh random key, valid from not_before, never expiring.
[[nodiscard]] NewKey generate_key(KeyId id, PrincipalName principal, Alg alg, Timestamp not_before);

// Whether a key id is taken outside the trust file (its signing key file is left over).
using KeyIdTaken = std::function<bool(const KeyId&)>;

// The next free key id of a principal: <principal>-<n>, n one above the largest in the trust
// file, and further while `taken` says so. Throws Error(bad_setting) if the id would be longer
// than 64 characters.
[[nodiscard]] KeyId next_key_id(const TrustFile& trust, const PrincipalName& principal,
                                const KeyIdTaken& taken = {});

// Adds a key for `principal` (its newest key's algorithm), valid from `now`, and ends every
// other key of the principal that is still open at now + overlap. Returns the new key.
// Throws Error(bad_setting) for an undeclared principal or one without keys.
[[nodiscard]] NewKey rotate(TrustFile& trust, const PrincipalName& principal, Timestamp now,
                            std::chrono::milliseconds overlap = kDefaultRotationOverlap,
                            const KeyIdTaken& taken = {});

// Revokes the key from `now` on (broker time; kept if it was revoked already). Throws
// Error(bad_setting) for an unknown key id.
void revoke(TrustFile& trust, const KeyId& id, Timestamp now);

// key_dir/trust.json (mode 0644), replacing it.
void write_trust_file(const std::filesystem::path& key_dir, const TrustFile& trust);
// key_dir/signing/<id>.key (mode 0600, the folder 0700), base64. Throws KeysError, also for an
// existing file unless overwrite.
void write_signing_key(const std::filesystem::path& key_dir, const KeyId& id,
                       const SecretString& secret, bool overwrite = false);

}  // namespace enroll::trust
