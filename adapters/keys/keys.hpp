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

struct Keys {
  crypto::SealKeyPair passcode_seal;             // passcode_seal.pub + passcode_seal.key
  std::vector<unsigned char> qr_mac_key;         // qr_mac.key
  std::vector<unsigned char> request_id_key;     // request_id.key
  std::vector<unsigned char> citizen_hash_key;   // citizen_hash.key
  std::vector<unsigned char> passcode_salt_key;  // passcode_salt.key
  std::optional<Keyring> passcode_pepper;        // passcode_pepper/passcode_pepper-<n>.key
  std::optional<Keyring> field;                  // field/field-<n>.key: personal data at rest
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
inline constexpr std::string_view kPasscodePepper = "passcode_pepper";
inline constexpr std::string_view kFieldKey = "field";
[[nodiscard]] const std::vector<KeyringKind>& keyring_kinds();
[[nodiscard]] const KeyringKind* find_keyring_kind(std::string_view purpose);

// Every version of a keyring, viewing its locked bytes (which must outlive the views): the
// peppers of the passcode verifier, the field cipher's keys.
[[nodiscard]] std::vector<crypto::KeyView> key_views(const Keyring& ring);

// A missing, unreadable or malformed key file; the message is one line naming the file.
class KeysError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

Keys load_keys(const std::filesystem::path& dir);

// Only the public half of the sealing key pair: all a simulator or channel back-end needs.
crypto::SealPublicKey load_seal_public_key(const std::filesystem::path& dir);

// Writes a fresh set of keys into dir (created if missing, mode 0700), the first version of
// every keyring among them. Secret files get mode 0600. Throws KeysError, before writing
// anything, if a key file or keyring already exists and overwrite is false (with it, each
// keyring gets a new version).
void generate_keys(const std::filesystem::path& dir, bool overwrite = false);

}  // namespace enroll
