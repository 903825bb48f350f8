#pragma once
// A key with versions, so that it can rotate: <keys>/<purpose>/<purpose>-<n>.key (base64,
// mode 0600), n = 1, 2, ...; the highest n is the current version (what new values are sealed,
// signed or keyed with), and every version still opens, verifies or matches what it made. The
// version's id (`<purpose>-<n>`) is stored beside every value it made.
//
// Keys that were single files before they had versions (`<keys>/<purpose>.key`, with `.pub`
// beside it for a key pair) are read as version 0 (`<purpose>-0`) while the file is there, so a
// folder made then keeps every key it had: a rotation adds `<purpose>-1`, a retirement below
// it deletes the single file.
#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/keys/secret_bytes.hpp"

namespace enroll {

struct KeyVersion {
  std::string id;  // "<purpose>-<n>"
  unsigned number = 0;
  SecretBytes secret;
};

class Keyring {
 public:
  // Every <purpose>-<n>.key in keys/<purpose>/ (and the single file of before, as version 0),
  // each checked as a secret key file (read_key_file) and holding min_bytes..max_bytes of
  // base64. Throws KeysError with a one-line reason: no version, a malformed one, a stray file
  // (anything else in the folder but `.pub` halves), a symbolic link.
  static Keyring load(const std::filesystem::path& keys, std::string_view purpose,
                      std::size_t min_bytes, std::size_t max_bytes);

  [[nodiscard]] const std::string& purpose() const noexcept { return purpose_; }
  [[nodiscard]] const KeyVersion& current() const noexcept { return versions_.back(); }
  // nullptr if there is no such version (a value made with a key since removed).
  [[nodiscard]] const KeyVersion* find(std::string_view id) const noexcept;
  [[nodiscard]] const std::vector<KeyVersion>& versions() const noexcept { return versions_; }

 private:
  Keyring() = default;
  std::string purpose_;
  std::vector<KeyVersion> versions_;  // by number, ascending
};

// The folder of a purpose's versions.
[[nodiscard]] std::filesystem::path keyring_dir(const std::filesystem::path& keys,
                                                std::string_view purpose);

// The public half of the current version: the highest <purpose>-<n>.pub in the folder, else
// the single file of before (<purpose>.pub). Throws KeysError if there is none.
[[nodiscard]] std::filesystem::path current_public_half(const std::filesystem::path& keys,
                                                        std::string_view purpose);

// Writes <purpose>-<n+1>.key (0600) holding `secret` (base64), creating the folder (0700) if
// needed; returns the new id. With `public_half` non-empty, also <purpose>-<n+1>.pub (0644).
// Throws KeysError.
std::string add_key_version(const std::filesystem::path& keys, std::string_view purpose,
                            std::span<const unsigned char> secret,
                            std::span<const unsigned char> public_half = {});

// add_key_version with `bytes` fresh random bytes.
std::string add_random_key_version(const std::filesystem::path& keys, std::string_view purpose,
                                   std::size_t bytes);

// Deletes the versions below `keep_from` (retiring a key after a re-key), the single file of
// before among them (version 0); never the current one. Returns how many were removed. Throws
// KeysError.
std::size_t retire_key_versions(const std::filesystem::path& keys, std::string_view purpose,
                                unsigned keep_from);

}  // namespace enroll
