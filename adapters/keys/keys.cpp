#include "adapters/keys/keys.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <span>
#include <string_view>

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
constexpr const char* kOperatorToken = "operator.token";
constexpr std::array kAllFiles{kSealPub,     kSealKey,      kQrMac,        kRequestId,
                               kCitizenHash, kPasscodeSalt, kOperatorToken};

constexpr std::size_t kSymmetricKeyBytes = 32;
// Accepted sizes for symmetric keys: what keyed BLAKE2b (the passcode salt) accepts.
constexpr std::size_t kMinKeyBytes = crypto_generichash_KEYBYTES_MIN;
constexpr std::size_t kMaxKeyBytes = crypto_generichash_KEYBYTES_MAX;
constexpr std::size_t kMinTokenChars = 16;
// Key files are tiny; refuse to slurp something that is obviously not one.
constexpr std::size_t kMaxFileBytes = 4096;

std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }

// The file's text without surrounding whitespace (files end with a newline).
std::string read_key_file(const fs::path& dir, const char* name) {
  const fs::path path = dir / name;
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    throw KeysError("missing key file " + quoted(path) + " (generate one with enroll-keygen)");
  }
  if (!fs::is_regular_file(path, ec)) {
    throw KeysError("key file " + quoted(path) + " is not a regular file");
  }
  std::ifstream in(path, std::ios::binary);
  std::string text(kMaxFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) throw KeysError("cannot read key file " + quoted(path));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxFileBytes) throw KeysError("key file " + quoted(path) + " is too large");
  const auto space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  const auto first = std::find_if_not(text.begin(), text.end(), space);
  const auto last = std::find_if_not(text.rbegin(), text.rend(), space).base();
  std::string trimmed = first < last ? std::string(first, last) : std::string();
  secure_wipe(text);
  return trimmed;
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

std::string read_operator_token(const fs::path& dir) {
  std::string token = read_key_file(dir, kOperatorToken);
  if (!valid_operator_token(token)) {
    throw KeysError("key file " + quoted(dir / kOperatorToken) + " must hold at least " +
                    std::to_string(kMinTokenChars) + " base64url characters");
  }
  return token;
}

std::string encode(std::span<const unsigned char> bytes, int variant) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), variant);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

// Written with open(2) so that a secret file never exists, even briefly, with a wider mode.
void write_key_file(const fs::path& path, std::string content, mode_t mode, bool overwrite) {
  content.push_back('\n');
  const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (overwrite ? O_TRUNC : O_EXCL);
  int error = 0;
  const auto failed = [&error] {
    error = errno;
    return false;
  };
  const int fd = ::open(path.c_str(), flags, mode);
  // fchmod because an overwritten file keeps its old mode.
  bool ok = (fd >= 0 && ::fchmod(fd, mode) == 0) || failed();
  std::size_t done = 0;
  while (ok && done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0 || failed();
    if (ok) done += static_cast<std::size_t>(n);
  }
  ok = ok && (::fsync(fd) == 0 || failed());
  if (fd >= 0 && ::close(fd) != 0 && ok) ok = failed();
  secure_wipe(content);
  if (!ok) {
    throw KeysError("cannot write key file " + quoted(path) + ": " + std::strerror(error));
  }
}

std::string random_base64(std::size_t size, int variant) {
  std::vector<unsigned char> bytes(size);
  randombytes_buf(bytes.data(), bytes.size());
  std::string text = encode(bytes, variant);
  sodium_memzero(bytes.data(), bytes.size());
  return text;
}

}  // namespace

bool valid_operator_token(std::string_view token) {
  const auto base64url = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  };
  return token.size() >= kMinTokenChars && std::all_of(token.begin(), token.end(), base64url);
}

std::string load_operator_token(const fs::path& dir) { return read_operator_token(dir); }

crypto::SealPublicKey load_seal_public_key(const fs::path& dir) {
  crypto::ensure_sodium();
  return crypto::SealPublicKey{read_fixed_key<crypto_box_PUBLICKEYBYTES>(dir, kSealPub)};
}

Keys load_keys(const fs::path& dir) {
  crypto::ensure_sodium();
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
  keys.operator_token = read_operator_token(dir);
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
  write_key_file(dir / kOperatorToken,
                 random_base64(kSymmetricKeyBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                 kSecret, overwrite);
}

}  // namespace enroll
