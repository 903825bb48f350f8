#pragma once
// The trust file `trust.json` of the key folder: who may write to the inbox. Each principal
// (name, role, the channels or tasks it acts for) and each key (id, principal, algorithm,
// validity, revocation, an Ed25519 key's public half). Public: a producer reads it to pick
// its key, enrollmentd to verify. Hostile bytes all the same: bounded, every field checked,
// unknown fields refused; an error names the file and the field.
#include <array>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "errors/errc.hpp"
#include "workflows/principal.hpp"
#include "workflows/time.hpp"

namespace enroll::trust {

using KeyId = StrongId<struct KeyIdTag>;

enum class Alg { hmac_sha256, ed25519 };

// The trust file's names: "hmac-sha256", "ed25519"; roles "channel", "officer_console",
// "connector", "operator", "orchestrator".
[[nodiscard]] std::string_view alg_name(Alg alg);
[[nodiscard]] std::optional<Alg> alg_from_name(std::string_view name);
[[nodiscard]] std::string_view role_name(Role role);
[[nodiscard]] std::optional<Role> role_from_name(std::string_view name);

inline constexpr std::size_t kEd25519PublicKeyBytes = 32;

struct TrustedKey {
  KeyId id;
  PrincipalName principal;
  Alg alg = Alg::hmac_sha256;
  Timestamp not_before{};
  std::optional<Timestamp> not_after{};  // none: valid until revoked
  // Revocation is a time, not a flag: messages the broker appended before it still verify,
  // so a replay of the log under a later trust file reaches the same states.
  std::optional<Timestamp> revoked_at{};
  std::array<unsigned char, kEd25519PublicKeyBytes> public_key{};  // ed25519 only

  // Within [not_before, not_after] (revocation aside).
  [[nodiscard]] bool valid_at(Timestamp t) const {
    return t >= not_before && (!not_after || t <= *not_after);
  }
  // Revoked at broker time `t`: at or after revoked_at.
  [[nodiscard]] bool revoked_by(Timestamp t) const { return revoked_at && t >= *revoked_at; }
};

struct TrustFile {
  std::vector<Principal> principals;  // key_id empty: set by the verifier per message
  std::vector<TrustedKey> keys;

  [[nodiscard]] const Principal* principal(const PrincipalName& name) const;
  [[nodiscard]] const TrustedKey* key(const KeyId& id) const;
};

// The bounds on the file (far above a real deployment's: tens of principals and keys).
inline constexpr std::size_t kMaxTrustFileBytes = 256 * 1024;
inline constexpr std::size_t kMaxPrincipals = 256;
inline constexpr std::size_t kMaxKeys = 1024;
inline constexpr std::size_t kMaxNamesPerPrincipal = 64;  // channels, tasks
inline constexpr std::size_t kMaxNameLength = 64;
inline constexpr std::string_view kTrustFileName = "trust.json";
inline constexpr std::string_view kSigningDir = "signing";  // signing/<key id>.key

// A trust file that cannot be used: bad_setting, "<file>: <field>: <problem>".
class TrustFileError : public Error {
 public:
  TrustFileError(const std::string& file, const std::string& field, const std::string& problem)
      : Error(Errc::bad_setting, file + ": " + field + ": " + problem), field_(field) {}
  [[nodiscard]] const std::string& field() const noexcept { return field_; }

 private:
  std::string field_;
};

// Names, key ids, channels and tasks: [A-Za-z0-9._-]{1,64} (they become file names and log
// fields).
[[nodiscard]] bool valid_name(std::string_view name);

// `text` as a trust file; `file` names it in errors. Throws TrustFileError.
[[nodiscard]] TrustFile parse_trust_file(std::string_view text, const std::string& file);
// key_dir/trust.json. Throws TrustFileError (also for a missing or unreadable file).
[[nodiscard]] TrustFile load_trust_file(const std::filesystem::path& key_dir);

// The file's text (what parse_trust_file reads back to the same), for enroll-keygen.
[[nodiscard]] std::string trust_file_text(const TrustFile& trust);

}  // namespace enroll::trust
