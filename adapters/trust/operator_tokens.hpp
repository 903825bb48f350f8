#pragma once
// Operators' and readers' bearer tokens: making one (enroll-keygen), and the HTTP side's check
// of a presented token against the operator file's hashes, which yields the id and role. The
// server never holds a token, only hashes; the client (enrollctl, the dashboard's user) holds
// its own token.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/trust/operator_file.hpp"
#include "workflows/secret.hpp"

namespace enroll::trust {

// The operator a fresh key folder has (enroll-keygen DIR), for the demo and the tests: its
// token is in <key folder>/operator-1.token (mode 0600), which enrollctl --keys reads. A
// production folder does not keep that file (README, "Operator actions").
inline constexpr const char* kDemoOperator = "operator-1";
// The reader a fresh key folder has (role reader): its token is in <key folder>/reader-1.token,
// for the demo's dashboard and the tests' reads.
inline constexpr const char* kDemoReader = "reader-1";
// <key folder>/<who>.token.
[[nodiscard]] std::filesystem::path demo_token_file(const std::filesystem::path& key_dir,
                                                    std::string_view who = kDemoOperator);
// A token file's token (a secret: the key-file checks apply, e.g. mode 0600). Throws KeysError
// naming the file (missing, unreadable, not a token).
[[nodiscard]] std::string load_token_file(const std::filesystem::path& path);
// The demo operator's token (demo_token_file). Throws as load_token_file.
[[nodiscard]] std::string load_demo_operator_token(const std::filesystem::path& key_dir);

// 43 characters of base64url: what make_token() makes.
[[nodiscard]] bool valid_token(std::string_view token);
// The operator file's form of a token: SHA-256 of its text, lowercase hex.
[[nodiscard]] std::string token_hash(std::string_view token);

struct NewOperator {
  OperatorEntry entry;  // as the file lists it: the token's hash only
  SecretString token;   // shown once to whoever made it, never stored by the server
};
// A fresh operator or reader: a 256-bit random token (base64url, 43 characters) and its entry.
[[nodiscard]] NewOperator make_operator(OperatorId id, Timestamp now,
                                        TokenRole role = TokenRole::operator_);

// Adds a new operator (or reader). Throws Error(bad_setting) for an id that is no name
// (valid_name) or that the file has already (revoked ones too, of either role: an id is never
// reused).
[[nodiscard]] NewOperator add_operator(OperatorFile& file, const OperatorId& id, Timestamp now,
                                       TokenRole role = TokenRole::operator_);
// Revokes the operator or reader from `now` on (kept if revoked already). Throws
// Error(bad_setting) for an unknown id.
void revoke_operator(OperatorFile& file, const OperatorId& id, Timestamp now);

// key_dir/operators.json (mode 0600), replacing it (written aside, then renamed).
void write_operator_file(const std::filesystem::path& key_dir, const OperatorFile& file);

// Whose a presented token is.
struct Caller {
  OperatorId id;
  TokenRole role = TokenRole::operator_;
  [[nodiscard]] bool may_act() const { return role == TokenRole::operator_; }
  bool operator==(const Caller&) const = default;
};

// What the HTTP side checks a bearer token with (read once at start-up: a change to the file
// takes a restart). Thread-safe: const.
class OperatorTokens {
 public:
  OperatorTokens() = default;  // nobody may read or act
  explicit OperatorTokens(OperatorFile file) : file_(std::move(file)) {}

  // The operator or reader whose token this is, unless unknown or revoked at `now`. The
  // token's hash is compared with every entry's in constant time, each entry whatever matched
  // before, so the time taken says nothing of the token nor of whose it is; an unknown and a
  // revoked token are refused alike. The caller decides what the role may do.
  [[nodiscard]] std::optional<Caller> authenticate(std::string_view token, Timestamp now) const;
  // How many operators and readers may use their tokens at `now` (for the start-up log).
  [[nodiscard]] std::size_t active_at(Timestamp now) const;

 private:
  OperatorFile file_;
};

}  // namespace enroll::trust
