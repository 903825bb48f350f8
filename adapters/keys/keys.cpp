#include "adapters/keys/keys.hpp"

#include <sodium.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <span>
#include <string_view>

#include "adapters/keys/audit_checkpoint_key.hpp"
#include "adapters/keys/key_file.hpp"
#include "adapters/keys/seal_publisher.hpp"
#include "workflows/crypto/base64.hpp"
#include "workflows/crypto/sodium_init.hpp"
#include "workflows/secret.hpp"

namespace enroll {

namespace {

namespace fs = std::filesystem;

// The single files of before keys had versions: an existing one blocks a fresh folder.
constexpr std::array kLegacyFiles{"passcode_seal.pub", "passcode_seal.key", "qr_mac.key",
                                  "request_id.key",    "citizen_hash.key",  "passcode_salt.key"};

constexpr std::size_t kSymmetricKeyBytes = 32;
// Accepted sizes for symmetric keys: what keyed BLAKE2b (the passcode salt) accepts.
constexpr std::size_t kMinKeyBytes = crypto_generichash_KEYBYTES_MIN;
constexpr std::size_t kMaxKeyBytes = crypto_generichash_KEYBYTES_MAX;

std::string add_seal_key(const fs::path& keys) {
  crypto::SealKeyPair pair = crypto::generate_seal_keypair();
  std::string id;
  try {
    id = add_key_version(keys, kPasscodeSeal, pair.secret, pair.pub.bytes);
  } catch (...) {
    sodium_memzero(pair.secret.data(), pair.secret.size());
    throw;
  }
  sodium_memzero(pair.secret.data(), pair.secret.size());
  return id;
}
template <const std::string_view& Purpose>
std::string add_symmetric_key(const fs::path& keys) {
  return add_random_key_version(keys, Purpose, kSymmetricKeyBytes);
}
std::string add_field_key(const fs::path& keys) {
  return add_random_key_version(keys, kFieldKey, crypto::kFieldKeyBytes);
}

crypto::SealPublicKey public_half_of(std::span<const unsigned char> secret) {
  crypto::SealPublicKey pub{};
  if (secret.size() != crypto_box_SECRETKEYBYTES ||
      crypto_scalarmult_base(pub.bytes.data(), secret.data()) != 0) {
    throw KeysError("a passcode_seal version is not an X25519 secret key");
  }
  return pub;
}

// A .pub beside a version that another pair made would make every passcode sealed to it
// unreadable: refused at start-up.
void check_seal_public_halves(const fs::path& dir, const Keyring& ring) {
  for (const KeyVersion& v : ring.versions()) {
    const fs::path pub = v.number == 0 ? dir / "passcode_seal.pub"
                                       : keyring_dir(dir, kPasscodeSeal) / (v.id + ".pub");
    std::error_code ec;
    if (fs::symlink_status(pub, ec).type() == fs::file_type::not_found) continue;
    const auto bytes = crypto::from_base64(read_key_file(pub, kMaxKeyFileBytes, Exposure::public_));
    const crypto::SealPublicKey derived = public_half_of(v.secret.view());
    if (!bytes || bytes->size() != derived.bytes.size() ||
        sodium_memcmp(bytes->data(), derived.bytes.data(), derived.bytes.size()) != 0) {
      throw KeysError("key file " + quoted(pub) + " does not match the secret key of " + v.id);
    }
  }
}

}  // namespace

const std::vector<KeyringKind>& keyring_kinds() {
  static const std::vector<KeyringKind> kinds{
      {kPasscodeSeal, crypto_box_SECRETKEYBYTES, crypto_box_SECRETKEYBYTES,
       "enrollmentd publishes the new version (GET /v1/keys/passcode) from its next start and "
       "opens passcodes sealed to every version kept: retire the older once every channel "
       "back-end seals to the new one and no older box waits in the inbox (its retention); a "
       "retired version's boxes, in the inbox or a dead letter, can no longer be read by anyone",
       &add_seal_key},
      {kQrMac, kMinKeyBytes, kMaxKeyBytes,
       "new counter QR tokens are MACed with the new version; a token made with an older one "
       "still scans while that version is kept: retire it after the longest QR ttl_s",
       &add_symmetric_key<kQrMac>},
      {kRequestId, kMinKeyBytes, kMaxKeyBytes,
       "new task request ids are made with the new version; a request already sent keeps its "
       "id (stored with its registration), so the older version may be retired at once",
       &add_symmetric_key<kRequestId>},
      {kCitizenHash, kMinKeyBytes, kMaxKeyBytes,
       "new citizen claims are keyed with the new version; a claim made with an older one still "
       "refuses a second registration of that citizen, and is released, while that version is "
       "kept: retire it once every registration started before the rotation has ended "
       "(expire_after_s of the longest channel)",
       &add_symmetric_key<kCitizenHash>},
      {kPasscodeSalt, kMinKeyBytes, kMaxKeyBytes,
       "new passcode verifiers take their salt from the new version; a verifier holds its salt, "
       "so the older version may be retired at once",
       &add_symmetric_key<kPasscodeSalt>},
      {kPasscodePepper, kMinKeyBytes, kMaxKeyBytes,
       "new passcode verifiers are keyed with the new version; verifiers made with an older one "
       "verify while it is kept: retire it once every registration that set a passcode before "
       "the rotation has ended (expire_after_s of the longest channel)",
       &add_symmetric_key<kPasscodePepper>},
      {kFieldKey, crypto::kFieldKeyBytes, crypto::kFieldKeyBytes,
       "personal fields are sealed with the new version from their next write on; run "
       "`enrollctl rekey` to reseal every stored registration now, then retire the older versions",
       &add_field_key},
      {kAuditCheckpointPurpose, crypto_sign_SECRETKEYBYTES, crypto_sign_SECRETKEYBYTES,
       "new checkpoints are signed with the new version (its .pub beside it: hand it to the "
       "auditors); keep the older versions' .pub files for verifying older checkpoints",
       &add_audit_checkpoint_key},
      {kSealPublisher, crypto_sign_SECRETKEYBYTES, crypto_sign_SECRETKEYBYTES,
       "the published passcode sealing key is signed with the new version from enrollmentd's "
       "next start: give its .pub to the channel back-ends before, and keep the older .pub "
       "trusted there until every enrollmentd has restarted",
       &add_seal_publisher_version},
  };
  return kinds;
}

const KeyringKind* find_keyring_kind(std::string_view purpose) {
  for (const KeyringKind& k : keyring_kinds()) {
    if (k.purpose == purpose) return &k;
  }
  return nullptr;
}

Keyring load_keyring(const fs::path& keys, std::string_view purpose) {
  const KeyringKind* kind = find_keyring_kind(purpose);
  if (kind == nullptr) throw KeysError("no keyring kind " + std::string(purpose));
  return Keyring::load(keys, kind->purpose, kind->min_bytes, kind->max_bytes);
}

std::vector<crypto::KeyView> key_views(const Keyring& ring) {
  std::vector<crypto::KeyView> out;
  for (const KeyVersion& v : ring.versions()) out.push_back({v.id, v.secret.view()});
  return out;
}

crypto::SealKeys Keys::seal_keys() const {
  crypto::SealKeys out;
  if (!passcode_seal) return out;
  const auto& versions = passcode_seal->versions();
  for (auto v = versions.rbegin(); v != versions.rend(); ++v) {
    out.push_back({v->id, public_half_of(v->secret.view()), v->secret.view()});
  }
  return out;
}

crypto::SealPublicKey Keys::seal_public_key() const {
  if (!passcode_seal) throw KeysError("no passcode_seal key loaded");
  return public_half_of(passcode_seal->current().secret.view());
}

crypto::SealPublicKey load_seal_public_key(const fs::path& dir) {
  crypto::ensure_sodium();
  const fs::path path = current_public_half(dir, kPasscodeSeal);
  auto bytes = crypto::from_base64(read_key_file(path, kMaxKeyFileBytes, Exposure::public_));
  crypto::SealPublicKey key{};
  if (!bytes || bytes->size() != key.bytes.size()) {
    throw KeysError("key file " + quoted(path) + " is not an X25519 public key in base64");
  }
  std::copy(bytes->begin(), bytes->end(), key.bytes.begin());
  return key;
}

Keys load_keys(const fs::path& dir) {
  crypto::ensure_sodium();
  check_key_folder(dir);
  Keys keys;
  keys.passcode_seal.emplace(load_keyring(dir, kPasscodeSeal));
  check_seal_public_halves(dir, *keys.passcode_seal);
  keys.qr_mac.emplace(load_keyring(dir, kQrMac));
  keys.request_id.emplace(load_keyring(dir, kRequestId));
  keys.citizen_hash.emplace(load_keyring(dir, kCitizenHash));
  keys.passcode_salt.emplace(load_keyring(dir, kPasscodeSalt));
  keys.passcode_pepper.emplace(load_keyring(dir, kPasscodePepper));
  keys.field.emplace(load_keyring(dir, kFieldKey));
  return keys;
}

void generate_keys(const fs::path& dir, bool overwrite) {
  crypto::ensure_sodium();
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    fs::create_directories(dir, ec);
    if (ec) throw KeysError("cannot create key folder " + quoted(dir) + ": " + ec.message());
    fs::permissions(dir, fs::perms::owner_all, ec);
  } else if (!fs::is_directory(dir, ec)) {
    throw KeysError("key folder " + quoted(dir) + " is not a directory");
  }
  // Check every file first, so that a refusal leaves no half-replaced set behind.
  if (!overwrite) {
    for (const char* name : kLegacyFiles) {
      if (fs::symlink_status(dir / name, ec).type() != fs::file_type::not_found) {
        throw KeysError("refusing to overwrite existing key file " + quoted(dir / name));
      }
    }
    for (const KeyringKind& kind : keyring_kinds()) {
      const fs::path ring = keyring_dir(dir, kind.purpose);
      if (fs::symlink_status(ring, ec).type() != fs::file_type::not_found) {
        throw KeysError("refusing to overwrite existing keyring " + quoted(ring));
      }
    }
  }
  for (const KeyringKind& kind : keyring_kinds()) kind.add_version(dir);
}

}  // namespace enroll
