#pragma once
// A producer's side: one principal's signing keys; the newest valid one signs each event
// (rotation: a new key takes over as soon as its not_before has passed, while the old one
// still verifies until it expires or is revoked).
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <vector>

#include "adapters/trust/signing_key.hpp"
#include "workflows/principal.hpp"
#include "workflows/time.hpp"

namespace enroll::trust {

// The CloudEvents extension attributes of a signed event (base64url without padding).
inline constexpr const char* kKeyIdAttribute = "keyid";
inline constexpr const char* kSignatureAttribute = "signature";

using Clock = std::function<Timestamp()>;
[[nodiscard]] Timestamp system_now();

class Signer {
 public:
  // The principal's keys that are not revoked and whose secret is given. Throws
  // Error(bad_key) if there is none.
  Signer(PrincipalName principal, std::vector<SigningKey> keys, Clock clock = system_now);

  // The keys of `principal` in key_dir's trust file whose secret is in key_dir/signing/ (the
  // revoked ones left out). Throws TrustFileError, KeysError, Error(bad_key).
  static Signer load(const std::filesystem::path& key_dir, const PrincipalName& principal,
                     Clock clock = system_now);

  [[nodiscard]] Timestamp now() const { return clock_(); }
  [[nodiscard]] const PrincipalName& principal() const noexcept { return principal_; }

  // The key that signs at `at`: of those valid then, the latest not_before (then the greatest
  // id). Throws Error(bad_key) when none is valid.
  [[nodiscard]] const SigningKey& current_key(Timestamp at) const;

  // Signs `event` (a CloudEvent object) in place: `time` set to now() if it has none, `keyid`
  // the current key's, `signature` over the canonical form (RFC 8785) of the event without
  // its `signature`. Throws CanonicalJsonError, Error(bad_key).
  void sign(nlohmann::json& event) const;

 private:
  PrincipalName principal_;
  std::vector<SigningKey> keys_;
  Clock clock_;
};

}  // namespace enroll::trust
