#pragma once
// The folder of secrets named by ENROLL_KEYS: one base64 file per key, written by
// enroll-keygen (generate_keys) and read once at start-up (load_keys). The inbox's trust and
// the operators' token hashes are beside them (adapters/trust/).
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/keys/keyring.hpp"
#include "workflows/crypto/field_cipher.hpp"
#include "workflows/crypto/passcode_verifier.hpp"
#include "workflows/crypto/sealed_box.hpp"

namespace enroll {

// Every key is a keyring (keyring.hpp): <purpose>/<purpose>-<n>.key, the highest n current,
// its id stored or published beside what it made. A folder made before keys had versions has
// the single files (<purpose>.key) of the first five, read as version 0.
struct Keys {
  std::optional<Keyring> passcode_seal;    // X25519: opens sealed passcodes (.pub published)
  std::optional<Keyring> qr_mac;           // MACs the counter QR tokens
  std::optional<Keyring> request_id;       // makes task request ids unguessable
  std::optional<Keyring> citizen_hash;     // keys the citizen ID's hash (claims, audit)
  std::optional<Keyring> passcode_salt;    // derives the verifiers' salts
  std::optional<Keyring> passcode_pepper;  // keys the passcode verifier
  std::optional<Keyring> field;            // seals personal data at rest

  // The sealing key's versions, the current first, each with its public half (derived from
  // the secret); views of passcode_seal, which must outlive them.
  [[nodiscard]] crypto::SealKeys seal_keys() const;
  // The current version's public half: what GET /v1/keys/passcode publishes.
  [[nodiscard]] crypto::SealPublicKey seal_public_key() const;
};

// The keys kept as keyrings (keyring.hpp): each purpose, its size, and how a new version is
// made (enroll-keygen makes the first with the folder, --rotate-key PURPOSE the next).
struct KeyringKind {
  std::string_view purpose;
  std::size_t min_bytes = 0;
  std::size_t max_bytes = 0;
  std::string_view rotation;  // what a rotation does, for --help and the message after it
  // Writes a new version into the key folder; returns its id. Throws KeysError.
  std::string (*add_version)(const std::filesystem::path& keys) = nullptr;
};
inline constexpr std::string_view kPasscodeSeal = "passcode_seal";
inline constexpr std::string_view kQrMac = "qr_mac";
inline constexpr std::string_view kRequestId = "request_id";
inline constexpr std::string_view kCitizenHash = "citizen_hash";
inline constexpr std::string_view kPasscodeSalt = "passcode_salt";
inline constexpr std::string_view kPasscodePepper = "passcode_pepper";
inline constexpr std::string_view kFieldKey = "field";
[[nodiscard]] const std::vector<KeyringKind>& keyring_kinds();
[[nodiscard]] const KeyringKind* find_keyring_kind(std::string_view purpose);
// Keyring::load with the kind's sizes (a purpose of keyring_kinds()).
[[nodiscard]] Keyring load_keyring(const std::filesystem::path& keys, std::string_view purpose);

// Every version of a keyring, viewing its locked bytes (which must outlive the views): the
// peppers of the passcode verifier, the field cipher's keys, the engine's MAC and hash keys.
[[nodiscard]] std::vector<crypto::KeyView> key_views(const Keyring& ring);

// A missing, unreadable or malformed key file; the message is one line naming the file.
class KeysError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

Keys load_keys(const std::filesystem::path& dir);

// The current public half of the sealing key pair (passcode_seal/passcode_seal-<n>.pub), for a
// tool on the server's own host; a channel back-end fetches it, signed, from the API.
crypto::SealPublicKey load_seal_public_key(const std::filesystem::path& dir);

// Writes a fresh set of keys into dir (created if missing, mode 0700), the first version of
// every keyring among them. Secret files get mode 0600. Throws KeysError, before writing
// anything, if a key file or keyring already exists and overwrite is false (with it, each
// keyring gets a new version).
void generate_keys(const std::filesystem::path& dir, bool overwrite = false);

}  // namespace enroll
