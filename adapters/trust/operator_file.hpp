#pragma once
// The operator file `operators.json` of the key folder: who may use the HTTP API's /v1 reads
// and operator actions. Each entry (id, role, the SHA-256 of their bearer token, when it was
// made, when it was revoked); never a token itself. A reader may read; an operator may read
// and act. Tokens are 256-bit random strings, so a fast
// hash is right (nothing to guess a preimage from) and a leaked file grants nothing.
// Hostile bytes all the same: bounded, every field checked, unknown fields refused; an error
// is a TrustFileError naming the file and the field.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/trust/trust_file.hpp"
#include "workflows/ids.hpp"
#include "workflows/time.hpp"

namespace enroll::trust {

// An operator's id: what the audit names (`actor.operator`). valid_name(): 1 to 64 of
// A-Z a-z 0-9 . _ - (it also names the demo operator's token file).
using OperatorId = StrongId<struct OperatorIdTag>;

inline constexpr std::size_t kTokenHashHexChars = 64;  // SHA-256, lowercase hex

// What a token may do: a reader reads /v1 (registrations, their trails, statistics); an
// operator also acts (retry, rewind, cancel, bulk). Written "operator" / "reader"; an entry
// without a role is an operator (files written before roles existed).
enum class TokenRole { operator_, reader };
[[nodiscard]] std::string_view to_string(TokenRole role);
[[nodiscard]] std::optional<TokenRole> token_role_from_string(std::string_view text);

struct OperatorEntry {
  OperatorId id;
  TokenRole role = TokenRole::operator_;
  std::string token_sha256;  // lowercase hex of SHA-256 over the token's text
  Timestamp created_at{};
  // Revoked at `t`: at or after revoked_at (kept in the file, so the id is never reused and
  // the audit trail's names stay unambiguous).
  std::optional<Timestamp> revoked_at{};

  [[nodiscard]] bool revoked_by(Timestamp t) const { return revoked_at && t >= *revoked_at; }
};

struct OperatorFile {
  std::vector<OperatorEntry> operators;

  [[nodiscard]] const OperatorEntry* find(const OperatorId& id) const;
};

// Far above a real deployment's tens of operators.
inline constexpr std::size_t kMaxOperators = 1024;
inline constexpr std::size_t kMaxOperatorFileBytes = 256 * 1024;
inline constexpr std::string_view kOperatorFileName = "operators.json";

// `text` as an operator file; `file` names it in errors. Throws TrustFileError (bad_setting):
// not JSON, too large or deep, an unknown or missing field, a role other than "operator" or
// "reader" (missing: "operator"), an id that is no name or given
// twice, a hash that is not 64 lowercase hex digits or given twice (one token, two
// operators), a time that is not RFC 3339, revoked before it was made.
[[nodiscard]] OperatorFile parse_operator_file(std::string_view text, const std::string& file);
// key_dir/operators.json. Throws TrustFileError (also for a missing or unreadable file).
[[nodiscard]] OperatorFile load_operator_file(const std::filesystem::path& key_dir);
// The file's text (what parse_operator_file reads back to the same).
[[nodiscard]] std::string operator_file_text(const OperatorFile& file);

}  // namespace enroll::trust
