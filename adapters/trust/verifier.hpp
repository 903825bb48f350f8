#pragma once
// enrollmentd's side: which principal sent an inbox event, proven by its signature, or why
// it is not (a dead letter's code). Checks, in order: `keyid` and `signature` present
// (unsigned), the key listed (unknown_key), not revoked at the broker's time (revoked_key:
// at or after its revoked_at), valid at the broker's time (key_not_valid), the signature over
// the event's canonical form (bad_signature), the event's `time` within the window of the
// broker's (stale_message: an old signed message cannot be replayed once its id is
// forgotten; not for the orchestrator role, whose timers and own-task results may wait in
// the outbox past the window and are harmless when replayed).
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>
#include <vector>

#include "adapters/trust/signing_key.hpp"
#include "adapters/trust/trust_file.hpp"
#include "errors/errc.hpp"
#include "workflows/principal.hpp"
#include "workflows/time.hpp"

namespace enroll::trust {

inline constexpr std::chrono::milliseconds kDefaultTimeWindow = std::chrono::minutes(5);

// Why an event is refused: unsigned_message, unknown_key, key_not_valid, revoked_key,
// bad_signature or stale_message; the message names the key id, never a secret.
struct Refusal {
  Errc code = Errc::bad_signature;
  std::string message;
};

// An event as the checks need it, from whatever JSON library read it: its `keyid`,
// `signature` and `time` attributes (nullopt: absent or not a string) and its canonical form
// without the signature (nullopt: it has none, `no_canonical` says why).
struct SignedEvent {
  std::optional<std::string_view> key_id;
  std::optional<std::string_view> signature;
  std::optional<std::string_view> time;
  std::optional<std::string_view> canonical_unsigned;
  std::string_view no_canonical;
};

class Verifier {
 public:
  // `hmac_keys`: the secrets of the trust file's HMAC keys (an HMAC key without its secret
  // cannot be verified: its events are refused as bad_signature).
  Verifier(TrustFile trust, std::vector<SigningKey> hmac_keys,
           std::chrono::milliseconds window = kDefaultTimeWindow);

  // key_dir's trust file and the secrets of its HMAC keys in key_dir/signing/ (required for
  // a key not revoked; a revoked key's, if kept, verifies what came before the revocation).
  // Throws TrustFileError, KeysError.
  static Verifier load(const std::filesystem::path& key_dir,
                       std::chrono::milliseconds window = kDefaultTimeWindow);

  // The principal (with the key id that verified) or the refusal. `broker_time`: the
  // record's LogAppendTime, the only clock the sender does not control.
  [[nodiscard]] std::variant<Principal, Refusal> verify(const SignedEvent& event,
                                                        Timestamp broker_time) const;
  // The same for an event held by nlohmann (tests, tools; the inbox decoder reads RapidJSON).
  [[nodiscard]] std::variant<Principal, Refusal> verify(const nlohmann::json& event,
                                                        Timestamp broker_time) const;

  [[nodiscard]] const TrustFile& trust() const noexcept { return trust_; }

 private:
  struct Entry {
    std::size_t key;                 // in trust_.keys
    std::size_t principal;           // in trust_.principals
    std::optional<std::size_t> mac;  // in macs_ (HMAC keys)
  };
  TrustFile trust_;
  std::vector<SigningKey> macs_;
  // Looked up by a string_view into the event (no copy of the key id).
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  std::unordered_map<std::string, Entry, NameHash, std::equal_to<>> by_id_;
  std::chrono::milliseconds window_;
};

}  // namespace enroll::trust
