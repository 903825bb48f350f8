#include "adapters/trust/signers.hpp"

#include <system_error>
#include <vector>

#include "errors/errc.hpp"

namespace enroll::trust {

Signers Signers::load(const std::filesystem::path& key_dir, const Clock& clock) {
  const TrustFile trust = load_trust_file(key_dir);
  std::map<std::string, std::vector<SigningKey>> keys;
  std::error_code ec;
  for (const auto& k : trust.keys) {
    if (!k.revoked_at && std::filesystem::exists(SigningKey::file(key_dir, k.id), ec)) {
      keys[k.principal.str()].push_back(SigningKey::load(key_dir, k));
    }
  }
  Signers out;
  for (auto& [name, ks] : keys) {
    out.by_name_.emplace(name, Signer(PrincipalName(name), std::move(ks), clock));
  }
  return out;
}

Signers Signers::of(const NewTrust& fresh, const Clock& clock) {
  std::map<std::string, std::vector<SigningKey>> keys;
  for (std::size_t i = 0; i < fresh.trust.keys.size(); ++i) {
    const TrustedKey& k = fresh.trust.keys[i];
    keys[k.principal.str()].emplace_back(k, SecretString(std::string(fresh.secrets[i].view())));
  }
  Signers out;
  for (auto& [name, ks] : keys) {
    out.by_name_.emplace(name, Signer(PrincipalName(name), std::move(ks), clock));
  }
  return out;
}

const Signer& Signers::get(const PrincipalName& principal) const {
  const auto it = by_name_.find(principal.str());
  if (it == by_name_.end()) {
    throw Error(Errc::bad_key, "no signing key for principal " + principal.str());
  }
  return it->second;
}

Verifier verifier_of(const NewTrust& fresh, std::chrono::milliseconds window) {
  std::vector<SigningKey> macs;
  for (std::size_t i = 0; i < fresh.trust.keys.size(); ++i) {
    const TrustedKey& k = fresh.trust.keys[i];
    if (k.alg == Alg::hmac_sha256) {
      macs.emplace_back(k, SecretString(std::string(fresh.secrets[i].view())));
    }
  }
  return Verifier(fresh.trust, std::move(macs), window);
}

}  // namespace enroll::trust
