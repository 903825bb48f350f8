#include "adapters/trust/verifier.hpp"

#include <sodium.h>

#include <chrono>

#include "adapters/trust/signer.hpp"
#include "workflows/crypto/base64.hpp"
#include "workflows/crypto/canonical_json.hpp"
#include "workflows/crypto/sodium_init.hpp"

namespace enroll::trust {
namespace {

const std::string* string_member(const nlohmann::json& event, const char* name) {
  const auto it = event.find(name);
  return it != event.end() && it->is_string() ? &it->get_ref<const std::string&>() : nullptr;
}

}  // namespace

Verifier::Verifier(TrustFile trust, std::vector<SigningKey> hmac_keys,
                   std::chrono::milliseconds window)
    : trust_(std::move(trust)), macs_(std::move(hmac_keys)), window_(window) {
  crypto::ensure_sodium();
  for (std::size_t i = 0; i < trust_.keys.size(); ++i) {
    const auto& k = trust_.keys[i];
    const auto p = std::find_if(trust_.principals.begin(), trust_.principals.end(),
                                [&](const Principal& pr) { return pr.name == k.principal; });
    if (p == trust_.principals.end()) {
      throw Error(Errc::bad_key, "key " + k.id.str() + ": principal not declared");
    }
    Entry e{i, static_cast<std::size_t>(p - trust_.principals.begin()), std::nullopt};
    for (std::size_t m = 0; m < macs_.size(); ++m) {
      if (macs_[m].key().id == k.id && macs_[m].key().alg == Alg::hmac_sha256) e.mac = m;
    }
    by_id_.emplace(k.id.str(), e);
  }
}

Verifier Verifier::load(const std::filesystem::path& key_dir, std::chrono::milliseconds window) {
  TrustFile trust = load_trust_file(key_dir);
  std::vector<SigningKey> macs;
  for (const auto& k : trust.keys) {
    // A revoked key's secret still verifies what came before the revocation (a replay), if
    // it is kept; a key in force must have its secret.
    std::error_code ec;
    if (k.alg == Alg::hmac_sha256 &&
        (!k.revoked_at || std::filesystem::exists(SigningKey::file(key_dir, k.id), ec))) {
      macs.push_back(SigningKey::load(key_dir, k));
    }
  }
  return Verifier(std::move(trust), std::move(macs), window);
}

std::variant<Principal, Refusal> Verifier::verify(const nlohmann::json& event,
                                                  Timestamp broker_time) const {
  const auto member = [&](const char* name) -> std::optional<std::string_view> {
    const std::string* s = event.is_object() ? string_member(event, name) : nullptr;
    return s != nullptr ? std::optional<std::string_view>(*s) : std::nullopt;
  };
  SignedEvent e{
      member(kKeyIdAttribute), member(kSignatureAttribute), member("time"), std::nullopt, {}};
  std::string canonical;
  std::string why;
  try {
    canonical = crypto::canonical_json(event, kSignatureAttribute);
    e.canonical_unsigned = canonical;
  } catch (const crypto::CanonicalJsonError& error) {
    why = error.what();
    e.no_canonical = why;
  }
  return verify(e, broker_time);
}

std::variant<Principal, Refusal> Verifier::verify(const SignedEvent& event,
                                                  Timestamp broker_time) const {
  if (!event.key_id || !event.signature) {
    return Refusal{Errc::unsigned_message, "no keyid and signature attributes"};
  }
  const auto found = valid_name(*event.key_id) ? by_id_.find(*event.key_id) : by_id_.end();
  if (found == by_id_.end()) return Refusal{Errc::unknown_key, "no key with that keyid"};
  const Entry& entry = found->second;
  const TrustedKey& key = trust_.keys[entry.key];
  if (key.revoked_by(broker_time)) {
    return Refusal{Errc::revoked_key,
                   "key " + key.id.str() + " is revoked since " + to_rfc3339(*key.revoked_at)};
  }
  if (!key.valid_at(broker_time)) {
    return Refusal{Errc::key_not_valid,
                   "key " + key.id.str() + " is not valid at " + to_rfc3339(broker_time)};
  }
  const auto sig =
      event.signature->size() <= 128 ? crypto::from_base64url(*event.signature) : std::nullopt;
  if (!event.canonical_unsigned) {
    return Refusal{Errc::bad_signature, "no canonical form: " + std::string(event.no_canonical)};
  }
  const std::string_view canonical = *event.canonical_unsigned;
  bool good = false;
  if (sig && key.alg == Alg::ed25519) {
    good = sig->size() == kEd25519SignatureBytes &&
           crypto_sign_verify_detached(
               sig->data(),
               reinterpret_cast<const unsigned char*>(canonical.data()),  // NOLINT
               canonical.size(), key.public_key.data()) == 0;
  } else if (sig && entry.mac) {
    good = macs_[*entry.mac].verify_mac(canonical, *sig);
  }
  if (!good) {
    return Refusal{Errc::bad_signature, "signature of key " + key.id.str() + " does not match"};
  }
  Principal who = trust_.principals[entry.principal];
  who.key_id = key.id.str();
  // The orchestrator's timers and own-task results are signed when encoded and may wait in
  // the Redis outbox past the window (an outage); a replay of them is harmless (a timer acts
  // only when due and is deduplicated, a result only matches its pending request).
  if (who.role == Role::orchestrator) return who;
  const auto sent = event.time ? from_rfc3339(*event.time) : std::nullopt;
  if (!sent) return Refusal{Errc::stale_message, "a signed event without its time"};
  const auto skew = *sent > broker_time ? *sent - broker_time : broker_time - *sent;
  if (skew > window_) {
    // The time as parsed, not the sender's text: from_rfc3339 ignores what follows the zone.
    return Refusal{Errc::stale_message, "time " + to_rfc3339(*sent) + " is more than " +
                                            std::to_string(window_.count() / 1000) +
                                            " s from the broker's " + to_rfc3339(broker_time)};
  }
  return who;
}

}  // namespace enroll::trust
