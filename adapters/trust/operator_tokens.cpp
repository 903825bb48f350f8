#include "adapters/trust/operator_tokens.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>

#include "adapters/keys/key_file.hpp"
#include "adapters/keys/keys.hpp"
#include "workflows/crypto/base64.hpp"
#include "workflows/crypto/hashing.hpp"
#include "workflows/crypto/sodium_init.hpp"

namespace enroll::trust {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kTokenBytes = 32;       // 256 bits
constexpr std::size_t kTokenChars = 43;       // base64url of 32 bytes, no padding
constexpr std::size_t kMaxBearerBytes = 512;  // longer: not a token; not even hashed

}  // namespace

fs::path demo_token_file(const fs::path& key_dir, std::string_view who) {
  return key_dir / (std::string(who) + ".token");
}

std::string load_token_file(const fs::path& path) {
  std::string token = read_key_file(path);
  if (!valid_token(token)) {
    secure_wipe(token);
    throw KeysError("key file " + quoted(path) + " must hold an operator token (" +
                    std::to_string(kTokenChars) + " base64url characters)");
  }
  return token;
}

std::string load_demo_operator_token(const fs::path& key_dir) {
  return load_token_file(demo_token_file(key_dir));
}

bool valid_token(std::string_view token) {
  return token.size() == kTokenChars && crypto::from_base64url(token).has_value();
}

std::string token_hash(std::string_view token) { return crypto::sha256_hex(token); }

NewOperator make_operator(OperatorId id, Timestamp now, TokenRole role) {
  crypto::ensure_sodium();
  std::array<unsigned char, kTokenBytes> bytes{};
  randombytes_buf(bytes.data(), bytes.size());
  std::string token = crypto::to_base64url(bytes);
  sodium_memzero(bytes.data(), bytes.size());
  OperatorEntry entry{std::move(id), role, token_hash(token), now, std::nullopt};
  return NewOperator{std::move(entry), SecretString(std::move(token))};
}

NewOperator add_operator(OperatorFile& file, const OperatorId& id, Timestamp now, TokenRole role) {
  if (!valid_name(id.str())) {
    throw Error(Errc::bad_setting, "an operator id is 1 to 64 of A-Z a-z 0-9 . _ - (not . or ..)");
  }
  if (const auto* known = file.find(id)) {
    throw Error(Errc::bad_setting,
                std::string(to_string(known->role)) + " " + id.str() + " exists already" +
                    (known->revoked_at ? " (revoked: an id is never reused)" : ""));
  }
  if (file.operators.size() >= kMaxOperators) {
    throw Error(Errc::bad_setting,
                "the operator file has " + std::to_string(kMaxOperators) + " operators already");
  }
  NewOperator fresh = make_operator(id, now, role);
  file.operators.push_back(fresh.entry);
  return fresh;
}

void revoke_operator(OperatorFile& file, const OperatorId& id, Timestamp now) {
  const auto it = std::find_if(file.operators.begin(), file.operators.end(),
                               [&](const OperatorEntry& e) { return e.id == id; });
  if (it == file.operators.end()) throw Error(Errc::bad_setting, "no operator " + id.str());
  // Revoked twice: the first time stands.
  if (!it->revoked_at) it->revoked_at = std::max(now, it->created_at);
}

void write_operator_file(const fs::path& key_dir, const OperatorFile& file) {
  // Parsed back first: never write a file enrollmentd would refuse.
  const fs::path path = key_dir / kOperatorFileName;
  const std::string text = operator_file_text(file);
  (void)parse_operator_file(text, path.string());
  // 0600: the hashes grant nothing, but no one else needs to read who the operators are.
  replace_key_file(path, text.substr(0, text.size() - 1), 0600);  // it adds the newline
}

std::optional<Caller> OperatorTokens::authenticate(std::string_view token, Timestamp now) const {
  if (token.empty() || token.size() > kMaxBearerBytes) return std::nullopt;
  const std::string presented = token_hash(token);
  const OperatorEntry* found = nullptr;
  for (const auto& e : file_.operators) {
    // No early exit: every entry is compared, matched or not.
    if (crypto::constant_time_equal(presented, e.token_sha256)) found = &e;
  }
  if (found == nullptr || found->revoked_by(now)) return std::nullopt;
  return Caller{found->id, found->role};
}

std::size_t OperatorTokens::active_at(Timestamp now) const {
  return static_cast<std::size_t>(std::count_if(file_.operators.begin(), file_.operators.end(),
                                                [&](const auto& e) { return !e.revoked_by(now); }));
}

}  // namespace enroll::trust
