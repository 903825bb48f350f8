#include "adapters/keys/keyring.hpp"

#include <sodium.h>
#include <sys/stat.h>

#include <algorithm>
#include <charconv>
#include <system_error>

#include "adapters/keys/key_file.hpp"
#include "adapters/keys/keys.hpp"
#include "workflows/crypto/base64.hpp"
#include "workflows/crypto/sodium_init.hpp"
#include "workflows/secret.hpp"

namespace enroll {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSecretSuffix = ".key";
constexpr std::string_view kPublicSuffix = ".pub";
constexpr unsigned kMaxVersion = 1'000'000;

// The n of "<purpose>-<n><suffix>", or 0 if `name` is not of that form.
unsigned version_of(std::string_view name, std::string_view purpose, std::string_view suffix) {
  if (name.size() <= purpose.size() + 1 + suffix.size() || !name.starts_with(purpose) ||
      name[purpose.size()] != '-' || !name.ends_with(suffix)) {
    return 0;
  }
  const std::string_view digits =
      name.substr(purpose.size() + 1, name.size() - purpose.size() - 1 - suffix.size());
  if (digits.empty() || digits.front() == '0') return 0;
  unsigned n = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc{} || end != digits.data() + digits.size() || n > kMaxVersion) return 0;
  return n;
}

std::string version_id(std::string_view purpose, unsigned n) {
  return std::string(purpose) + "-" + std::to_string(n);
}

// The single file a key was before it had versions: version 0.
fs::path legacy_file(const fs::path& keys, std::string_view purpose, std::string_view suffix) {
  return keys / (std::string(purpose) + std::string(suffix));
}

bool present(const fs::path& path) {
  std::error_code ec;
  return fs::symlink_status(path, ec).type() != fs::file_type::not_found;
}

// min..max bytes of base64 from a secret key file, into locked memory.
SecretBytes read_secret(const fs::path& path, std::size_t min_bytes, std::size_t max_bytes) {
  std::string text = read_key_file(path);
  auto bytes = crypto::from_base64(text);
  secure_wipe(text);
  if (!bytes) throw KeysError("key file " + quoted(path) + " is not valid base64");
  const std::size_t got = bytes->size();
  if (got < min_bytes || got > max_bytes) {
    sodium_memzero(bytes->data(), bytes->size());
    throw KeysError(
        "key file " + quoted(path) + " holds " + std::to_string(got) + " bytes, expected " +
        (min_bytes == max_bytes ? std::to_string(min_bytes)
                                : std::to_string(min_bytes) + " to " + std::to_string(max_bytes)));
  }
  SecretBytes secret(*bytes);
  sodium_memzero(bytes->data(), bytes->size());
  return secret;
}

// The version numbers present in the folder, ascending; refuses anything that is not a version.
std::vector<unsigned> scan(const fs::path& dir, std::string_view purpose) {
  std::vector<unsigned> numbers;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (version_of(name, purpose, kPublicSuffix) != 0) continue;
    const unsigned n = version_of(name, purpose, kSecretSuffix);
    if (n == 0) {
      throw KeysError("key folder " + quoted(dir) + " holds " + enroll::quoted(fs::path(name)) +
                      ", which is not a version of " + std::string(purpose) + " (" +
                      std::string(purpose) + "-<n>.key)");
    }
    numbers.push_back(n);
  }
  if (ec) throw KeysError("cannot list key folder " + quoted(dir) + ": " + ec.message());
  std::sort(numbers.begin(), numbers.end());
  return numbers;
}

}  // namespace

fs::path keyring_dir(const fs::path& keys, std::string_view purpose) {
  return keys / std::string(purpose);
}

Keyring Keyring::load(const fs::path& keys, std::string_view purpose, std::size_t min_bytes,
                      std::size_t max_bytes) {
  crypto::ensure_sodium();
  const fs::path dir = keyring_dir(keys, purpose);
  const fs::path legacy = legacy_file(keys, purpose, kSecretSuffix);
  const bool has_dir = present(dir);
  if (!has_dir && !present(legacy)) {
    // A key folder made before this key existed.
    throw KeysError("missing keyring " + quoted(dir) +
                    " (add its first version with enroll-keygen " + keys.string() +
                    " --rotate-key " + std::string(purpose) + ")");
  }
  Keyring ring;
  ring.purpose_ = std::string(purpose);
  if (present(legacy)) {
    ring.versions_.push_back(
        KeyVersion{version_id(purpose, 0), 0, read_secret(legacy, min_bytes, max_bytes)});
  }
  if (has_dir) {
    check_key_folder(dir);
    for (const unsigned n : scan(dir, purpose)) {
      const std::string id = version_id(purpose, n);
      ring.versions_.push_back(KeyVersion{
          id, n, read_secret(dir / (id + std::string(kSecretSuffix)), min_bytes, max_bytes)});
    }
  }
  if (ring.versions_.empty()) {
    throw KeysError("key folder " + quoted(dir) + " holds no version of " + std::string(purpose) +
                    " (make one with enroll-keygen)");
  }
  return ring;
}

const KeyVersion* Keyring::find(std::string_view id) const noexcept {
  for (const KeyVersion& v : versions_) {
    if (v.id == id) return &v;
  }
  return nullptr;
}

fs::path current_public_half(const fs::path& keys, std::string_view purpose) {
  const fs::path dir = keyring_dir(keys, purpose);
  if (present(dir)) {
    check_key_folder(dir);
    const std::vector<unsigned> numbers = scan(dir, purpose);
    if (!numbers.empty()) {
      return dir / (version_id(purpose, numbers.back()) + std::string(kPublicSuffix));
    }
  }
  const fs::path legacy = legacy_file(keys, purpose, kPublicSuffix);
  if (present(legacy)) return legacy;
  throw KeysError("no public half of " + std::string(purpose) + " in " + quoted(dir) +
                  " (copy the current " + std::string(purpose) + "-<n>.pub there)");
}

std::string add_key_version(const fs::path& keys, std::string_view purpose,
                            std::span<const unsigned char> secret,
                            std::span<const unsigned char> public_half) {
  const fs::path dir = keyring_dir(keys, purpose);
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    fs::create_directories(dir, ec);
    if (ec) throw KeysError("cannot create key folder " + quoted(dir) + ": " + ec.message());
    fs::permissions(dir, fs::perms::owner_all, ec);
    if (ec) throw KeysError("cannot restrict key folder " + quoted(dir) + ": " + ec.message());
  }
  check_key_folder(dir);
  const std::vector<unsigned> numbers = scan(dir, purpose);
  const unsigned next = numbers.empty() ? 1 : numbers.back() + 1;
  const std::string id = version_id(purpose, next);
  if (!public_half.empty()) {
    write_key_file(dir / (id + std::string(kPublicSuffix)), crypto::to_base64(public_half), 0644,
                   false);
  }
  // The secret last: a version counts once its .key exists, and then it is whole.
  write_key_file(dir / (id + std::string(kSecretSuffix)), crypto::to_base64(secret), 0600, false);
  return id;
}

std::string add_random_key_version(const fs::path& keys, std::string_view purpose,
                                   std::size_t bytes) {
  crypto::ensure_sodium();
  std::vector<unsigned char> secret(bytes);
  randombytes_buf(secret.data(), secret.size());
  std::string id;
  try {
    id = add_key_version(keys, purpose, secret);
  } catch (...) {
    sodium_memzero(secret.data(), secret.size());
    throw;
  }
  sodium_memzero(secret.data(), secret.size());
  return id;
}

std::size_t retire_key_versions(const fs::path& keys, std::string_view purpose,
                                unsigned keep_from) {
  const fs::path dir = keyring_dir(keys, purpose);
  std::vector<unsigned> numbers;
  if (present(dir)) {
    check_key_folder(dir);
    numbers = scan(dir, purpose);
  }
  std::size_t removed = 0;
  const auto remove_version = [&](const fs::path& secret, const fs::path& pub) {
    std::error_code ec;
    fs::remove(pub, ec);
    if (!fs::remove(secret, ec) || ec) {
      throw KeysError("cannot remove key version " + quoted(secret) + ": " + ec.message());
    }
    ++removed;
  };
  // Version 0, the single file of before, goes once a numbered version is current.
  const fs::path legacy = legacy_file(keys, purpose, kSecretSuffix);
  if (!numbers.empty() && keep_from > 0 && present(legacy)) {
    remove_version(legacy, legacy_file(keys, purpose, kPublicSuffix));
  }
  if (numbers.empty()) return removed;
  keep_from = std::min(keep_from, numbers.back());
  for (const unsigned n : numbers) {
    if (n >= keep_from) break;
    const std::string id = version_id(purpose, n);
    remove_version(dir / (id + std::string(kSecretSuffix)),
                   dir / (id + std::string(kPublicSuffix)));
  }
  return removed;
}

}  // namespace enroll
