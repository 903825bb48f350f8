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

constexpr const char* kSealPub = "passcode_seal.pub";
constexpr const char* kSealKey = "passcode_seal.key";
constexpr const char* kQrMac = "qr_mac.key";
constexpr const char* kRequestId = "request_id.key";
constexpr const char* kCitizenHash = "citizen_hash.key";
constexpr const char* kPasscodeSalt = "passcode_salt.key";
constexpr std::array kAllFiles{kSealPub, kSealKey, kQrMac, kRequestId, kCitizenHash, kPasscodeSalt};

constexpr std::size_t kSymmetricKeyBytes = 32;
// Accepted sizes for symmetric keys: what keyed BLAKE2b (the passcode salt) accepts.
constexpr std::size_t kMinKeyBytes = crypto_generichash_KEYBYTES_MIN;
constexpr std::size_t kMaxKeyBytes = crypto_generichash_KEYBYTES_MAX;

std::string read_key_file(const fs::path& dir, const char* name) {
  return ::enroll::read_key_file(
      dir / name, kMaxKeyFileBytes,
      std::string_view(name).ends_with(".pub") ? Exposure::public_ : Exposure::secret);
}

std::vector<unsigned char> read_base64_key(const fs::path& dir, const char* name,
                                           std::size_t min_bytes, std::size_t max_bytes) {
  std::string text = read_key_file(dir, name);
  auto bytes = crypto::from_base64(text);
  secure_wipe(text);
  if (!bytes) throw KeysError("key file " + quoted(dir / name) + " is not valid base64");
  if (bytes->size() < min_bytes || bytes->size() > max_bytes) {
    const std::string expected =
        min_bytes == max_bytes ? std::to_string(min_bytes)
                               : std::to_string(min_bytes) + " to " + std::to_string(max_bytes);
    const std::size_t got = bytes->size();
    sodium_memzero(bytes->data(), bytes->size());
    throw KeysError("key file " + quoted(dir / name) + " holds " + std::to_string(got) +
                    " bytes, expected " + expected);
  }
  return std::move(*bytes);
}

template <std::size_t N>
std::array<unsigned char, N> read_fixed_key(const fs::path& dir, const char* name) {
  std::vector<unsigned char> bytes = read_base64_key(dir, name, N, N);
  std::array<unsigned char, N> out{};
  std::copy(bytes.begin(), bytes.end(), out.begin());
  sodium_memzero(bytes.data(), bytes.size());
  return out;
}

std::string encode(std::span<const unsigned char> bytes, int variant) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), variant);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

std::string random_base64(std::size_t size, int variant) {
  std::vector<unsigned char> bytes(size);
  randombytes_buf(bytes.data(), bytes.size());
  std::string text = encode(bytes, variant);
  sodium_memzero(bytes.data(), bytes.size());
  return text;
}

std::string add_pepper(const fs::path& keys) {
  return add_random_key_version(keys, kPasscodePepper, kSymmetricKeyBytes);
}
std::string add_field_key(const fs::path& keys) {
  return add_random_key_version(keys, kFieldKey, crypto::kFieldKeyBytes);
}

}  // namespace

const std::vector<KeyringKind>& keyring_kinds() {
  static const std::vector<KeyringKind> kinds{
      {kPasscodePepper, kMinKeyBytes, kMaxKeyBytes,
       "new passcode verifiers are keyed with the new version; verifiers made with an older one "
       "verify while it is kept: retire it once every registration that set a passcode before "
       "the rotation has ended (expire_after_s of the longest channel)",
       &add_pepper},
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

std::vector<crypto::KeyView> key_views(const Keyring& ring) {
  std::vector<crypto::KeyView> out;
  for (const KeyVersion& v : ring.versions()) out.push_back({v.id, v.secret.view()});
  return out;
}

crypto::SealPublicKey load_seal_public_key(const fs::path& dir) {
  crypto::ensure_sodium();
  return crypto::SealPublicKey{read_fixed_key<crypto_box_PUBLICKEYBYTES>(dir, kSealPub)};
}

Keys load_keys(const fs::path& dir) {
  crypto::ensure_sodium();
  check_key_folder(dir);
  Keys keys;
  keys.passcode_seal.pub = load_seal_public_key(dir);
  keys.passcode_seal.secret = read_fixed_key<crypto_box_SECRETKEYBYTES>(dir, kSealKey);
  // A public key from another pair would make every sealed passcode unreadable.
  std::array<unsigned char, crypto_box_PUBLICKEYBYTES> derived{};
  if (crypto_scalarmult_base(derived.data(), keys.passcode_seal.secret.data()) != 0 ||
      sodium_memcmp(derived.data(), keys.passcode_seal.pub.bytes.data(), derived.size()) != 0) {
    throw KeysError("key file " + quoted(dir / kSealPub) + " does not match " +
                    quoted(dir / kSealKey));
  }
  keys.qr_mac_key = read_base64_key(dir, kQrMac, kMinKeyBytes, kMaxKeyBytes);
  keys.request_id_key = read_base64_key(dir, kRequestId, kMinKeyBytes, kMaxKeyBytes);
  keys.citizen_hash_key = read_base64_key(dir, kCitizenHash, kMinKeyBytes, kMaxKeyBytes);
  keys.passcode_salt_key = read_base64_key(dir, kPasscodeSalt, kMinKeyBytes, kMaxKeyBytes);
  const KeyringKind& pepper = *find_keyring_kind(kPasscodePepper);
  keys.passcode_pepper.emplace(
      Keyring::load(dir, pepper.purpose, pepper.min_bytes, pepper.max_bytes));
  const KeyringKind& field = *find_keyring_kind(kFieldKey);
  keys.field.emplace(Keyring::load(dir, field.purpose, field.min_bytes, field.max_bytes));
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
    for (const char* name : kAllFiles) {
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
  constexpr mode_t kSecret = 0600;
  constexpr mode_t kPublic = 0644;
  constexpr int kPadded = sodium_base64_VARIANT_ORIGINAL;
  crypto::SealKeyPair seal = crypto::generate_seal_keypair();
  write_key_file(dir / kSealPub, encode(seal.pub.bytes, kPadded), kPublic, overwrite);
  write_key_file(dir / kSealKey, encode(seal.secret, kPadded), kSecret, overwrite);
  sodium_memzero(seal.secret.data(), seal.secret.size());
  for (const char* name : {kQrMac, kRequestId, kCitizenHash, kPasscodeSalt}) {
    write_key_file(dir / name, random_base64(kSymmetricKeyBytes, kPadded), kSecret, overwrite);
  }
  for (const KeyringKind& kind : keyring_kinds()) kind.add_version(dir);
}

}  // namespace enroll
