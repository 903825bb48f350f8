#include "adapters/trust/provisioning.hpp"

#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <span>
#include <string>

#include "adapters/keys/key_file.hpp"
#include "adapters/keys/keys.hpp"
#include "adapters/trust/operator_tokens.hpp"
#include "adapters/trust/signing_key.hpp"
#include "workflows/crypto/base64.hpp"
#include "workflows/crypto/sodium_init.hpp"

namespace enroll::trust {

namespace fs = std::filesystem;

NewKey generate_key(KeyId id, PrincipalName principal, Alg alg, Timestamp not_before) {
  crypto::ensure_sodium();
  TrustedKey key;
  key.id = std::move(id);
  key.principal = std::move(principal);
  key.alg = alg;
  key.not_before = not_before;
  std::string secret(alg == Alg::ed25519 ? kEd25519SecretKeyBytes : kHmacKeyBytes, '\0');
  auto* bytes = reinterpret_cast<unsigned char*>(secret.data());  // NOLINT: libsodium's bytes
  if (alg == Alg::ed25519) {
    crypto_sign_keypair(key.public_key.data(), bytes);
  } else {
    randombytes_buf(bytes, secret.size());
  }
  return NewKey{std::move(key), SecretString(std::move(secret))};
}

PrincipalName channel_principal(std::string_view channel) {
  if (channel == "kiosk") return PrincipalName("channel-kiosk");
  return PrincipalName("channel-app");
}

PrincipalName connector_principal(std::string_view connector) {
  if (connector == "officer") return PrincipalName(kOfficerConsolePrincipal);
  return PrincipalName("connector-" + std::string(connector));
}

std::vector<DefaultPrincipal> default_principals(
    const std::map<std::string, std::string>& task_connectors, Alg high_volume) {
  const auto make = [](const char* name, Role role, std::vector<std::string> channels,
                       std::vector<std::string> tasks, Alg alg) {
    Principal p;
    p.name = PrincipalName(name);
    p.role = role;
    p.channels = std::move(channels);
    p.tasks = std::move(tasks);
    return DefaultPrincipal{std::move(p), alg};
  };
  std::vector<DefaultPrincipal> out;
  std::map<std::string, std::vector<std::string>> by_connector;  // ordered: a stable file
  for (const auto& [task, connector] : task_connectors) by_connector[connector].push_back(task);
  const auto tasks_of = [&](const std::string& connector) {
    const auto it = by_connector.find(connector);
    return it != by_connector.end() ? it->second : std::vector<std::string>{};
  };
  out.push_back(make("channel-app", Role::channel,
                     {"self-service", "passcode-reset", "officer-assisted"}, {}, high_volume));
  out.push_back(make("channel-kiosk", Role::channel, {"kiosk"}, {}, high_volume));
  out.push_back(make(kOfficerConsolePrincipal, Role::officer_console, {"officer-assisted"},
                     tasks_of("officer"), Alg::ed25519));
  for (const auto& [connector, tasks] : by_connector) {
    if (connector == "orchestrator" || connector == "officer") continue;
    const std::string name = connector_principal(connector).str();
    out.push_back(make(name.c_str(), Role::connector, {}, tasks, high_volume));
  }
  out.push_back(make(kOperatorPrincipal, Role::operator_, {}, {}, Alg::ed25519));
  out.push_back(
      make(kOrchestratorPrincipal, Role::orchestrator, {}, tasks_of("orchestrator"), high_volume));
  return out;
}

void provision_key_folder(const fs::path& dir,
                          const std::map<std::string, std::string>& task_connectors,
                          Timestamp not_before, bool force, Alg high_volume) {
  const fs::path token_file = demo_token_file(dir);
  const fs::path reader_file = demo_token_file(dir, kDemoReader);
  if (!force) {
    // Before anything is written: a refusal leaves no half-made folder behind.
    std::error_code ec;
    for (const fs::path& p : {dir / kOperatorFileName, token_file, reader_file}) {
      if (fs::symlink_status(p, ec).type() != fs::file_type::not_found) {
        throw KeysError("refusing to overwrite existing key file " + quoted(p));
      }
    }
  }
  generate_keys(dir, force);
  NewTrust fresh = new_trust(default_principals(task_connectors, high_volume), not_before);
  for (std::size_t i = 0; i < fresh.trust.keys.size(); ++i) {
    write_signing_key(dir, fresh.trust.keys[i].id, fresh.secrets[i], force);
  }
  write_trust_file(dir, fresh.trust);
  OperatorFile operators;
  const NewOperator demo = add_operator(operators, OperatorId(kDemoOperator), not_before);
  const NewOperator reader =
      add_operator(operators, OperatorId(kDemoReader), not_before, TokenRole::reader);
  write_operator_file(dir, operators);
  write_key_file(token_file, std::string(demo.token.view()), 0600, force);
  write_key_file(reader_file, std::string(reader.token.view()), 0600, force);
}

NewTrust new_trust(const std::vector<DefaultPrincipal>& principals, Timestamp not_before) {
  NewTrust out;
  for (const auto& d : principals) {
    out.trust.principals.push_back(d.principal);
    NewKey k =
        generate_key(KeyId(d.principal.name.str() + "-1"), d.principal.name, d.alg, not_before);
    out.trust.keys.push_back(std::move(k.key));
    out.secrets.push_back(std::move(k.secret));
  }
  return out;
}

KeyId next_key_id(const TrustFile& trust, const PrincipalName& principal, const KeyIdTaken& taken) {
  const std::string prefix = principal.str() + "-";
  unsigned long largest = 0;
  for (const auto& k : trust.keys) {
    const std::string& id = k.id.str();
    if (id.rfind(prefix, 0) != 0) continue;
    unsigned long n = 0;
    const char* end = id.data() + id.size();
    const auto r = std::from_chars(id.data() + prefix.size(), end, n);
    if (r.ec == std::errc{} && r.ptr == end) largest = std::max(largest, n);
  }
  KeyId id(prefix + std::to_string(++largest));
  while (taken && taken(id)) id = KeyId(prefix + std::to_string(++largest));
  if (!valid_name(id.str())) {
    throw Error(Errc::bad_setting, "key id " + id.str() + " would be longer than 64 characters");
  }
  return id;
}

NewKey rotate(TrustFile& trust, const PrincipalName& principal, Timestamp now,
              std::chrono::milliseconds overlap, const KeyIdTaken& taken) {
  if (trust.principal(principal) == nullptr) {
    throw Error(Errc::bad_setting, "no principal " + principal.str() + " in the trust file");
  }
  const TrustedKey* newest = nullptr;
  for (const auto& k : trust.keys) {
    if (k.principal == principal && (newest == nullptr || k.not_before >= newest->not_before)) {
      newest = &k;
    }
  }
  if (newest == nullptr) {
    throw Error(Errc::bad_setting, "principal " + principal.str() + " has no key to rotate");
  }
  NewKey fresh = generate_key(next_key_id(trust, principal, taken), principal, newest->alg, now);
  const Timestamp end = now + overlap;
  for (auto& k : trust.keys) {
    if (k.principal == principal && (!k.not_after || *k.not_after > end)) {
      // A key that would only start after the end gets an end before its start: keep it valid.
      k.not_after = std::max(end, k.not_before + std::chrono::milliseconds(1));
    }
  }
  trust.keys.push_back(fresh.key);
  return fresh;
}

void revoke(TrustFile& trust, const KeyId& id, Timestamp now) {
  const auto it = std::find_if(trust.keys.begin(), trust.keys.end(),
                               [&](const TrustedKey& k) { return k.id == id; });
  if (it == trust.keys.end()) throw Error(Errc::bad_setting, "no key " + id.str() + " to revoke");
  // Revoked twice: the first time stands (messages between the two stay valid on replay).
  if (!it->revoked_at) it->revoked_at = now;
}

void write_trust_file(const fs::path& key_dir, const TrustFile& trust) {
  // Parsed back first: never write a file the readers would refuse.
  const fs::path path = key_dir / kTrustFileName;
  const std::string text = trust_file_text(trust);
  (void)parse_trust_file(text, path.string());
  replace_key_file(path, text.substr(0, text.size() - 1), 0644);  // it adds the newline
}

void write_signing_key(const fs::path& key_dir, const KeyId& id, const SecretString& secret,
                       bool overwrite) {
  const fs::path dir = key_dir / kSigningDir;
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    fs::create_directories(dir, ec);
    if (ec) throw KeysError("cannot create " + quoted(dir) + ": " + ec.message());
    fs::permissions(dir, fs::perms::owner_all, ec);
  }
  const auto view = secret.view();
  write_key_file(SigningKey::file(key_dir, id),
                 crypto::to_base64(std::span(reinterpret_cast<const unsigned char*>(view.data()),
                                             view.size())),  // NOLINT
                 0600, overwrite);
}

}  // namespace enroll::trust
