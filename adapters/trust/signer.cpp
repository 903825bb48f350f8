#include "adapters/trust/signer.hpp"

#include <algorithm>
#include <chrono>
#include <span>

#include "workflows/crypto/base64.hpp"
#include "workflows/crypto/canonical_json.hpp"

namespace enroll::trust {

Timestamp system_now() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

Signer::Signer(PrincipalName principal, std::vector<SigningKey> keys, Clock clock)
    : principal_(std::move(principal)), clock_(std::move(clock)) {
  for (auto& k : keys) {
    if (k.key().principal != principal_) {
      throw Error(Errc::bad_key, "key " + k.key().id.str() + " is not " + principal_.str() + "'s");
    }
    if (!k.key().revoked_at) keys_.push_back(std::move(k));
  }
  if (keys_.empty()) {
    throw Error(Errc::bad_key, "principal " + principal_.str() + " has no signing key");
  }
}

Signer Signer::load(const std::filesystem::path& key_dir, const PrincipalName& principal,
                    Clock clock) {
  const TrustFile trust = load_trust_file(key_dir);
  if (trust.principal(principal) == nullptr) {
    throw Error(Errc::bad_key, "principal " + principal.str() + " is not in the trust file");
  }
  std::vector<SigningKey> keys;
  std::error_code ec;
  for (const auto& k : trust.keys) {
    if (k.principal == principal && !k.revoked_at &&
        std::filesystem::exists(SigningKey::file(key_dir, k.id), ec)) {
      keys.push_back(SigningKey::load(key_dir, k));
    }
  }
  return Signer(principal, std::move(keys), std::move(clock));
}

const SigningKey& Signer::current_key(Timestamp at) const {
  const SigningKey* best = nullptr;
  for (const auto& k : keys_) {
    if (!k.key().valid_at(at)) continue;
    const TrustedKey& a = k.key();
    if (best == nullptr || a.not_before > best->key().not_before ||
        (a.not_before == best->key().not_before && a.id.str() > best->key().id.str())) {
      best = &k;
    }
  }
  if (best == nullptr) {
    throw Error(Errc::bad_key,
                "principal " + principal_.str() + " has no key valid at " + to_rfc3339(at));
  }
  return *best;
}

void Signer::sign(nlohmann::json& event) const {
  const Timestamp at = now();
  if (!event.contains("time")) event["time"] = to_rfc3339(at);
  const SigningKey& key = current_key(at);
  event[kKeyIdAttribute] = key.key().id.str();
  const std::string sig = key.sign(crypto::canonical_json(event, kSignatureAttribute));
  event[kSignatureAttribute] = crypto::to_base64url(
      std::span(reinterpret_cast<const unsigned char*>(sig.data()), sig.size()));  // NOLINT
}

}  // namespace enroll::trust
