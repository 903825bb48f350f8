#include "adapters/trust/trust_file.hpp"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "adapters/trust/file_reader.hpp"
#include "workflows/crypto/base64.hpp"

namespace enroll::trust {
namespace {

using json = nlohmann::json;

constexpr std::size_t kMaxDepth = 8;  // the file's shape nests 4 levels
constexpr int kVersion = 1;

constexpr std::array<std::pair<Alg, std::string_view>, 2> kAlgs{{
    {Alg::hmac_sha256, "hmac-sha256"},
    {Alg::ed25519, "ed25519"},
}};
constexpr std::array<std::pair<Role, std::string_view>, 5> kRoles{{
    {Role::channel, "channel"},
    {Role::officer_console, "officer_console"},
    {Role::connector, "connector"},
    {Role::operator_, "operator"},
    {Role::orchestrator, "orchestrator"},
}};

using Reader = FileReader;

Principal read_principal(const Reader& r, const json& v, const std::string& field) {
  r.object(v, field, {"name", "role", "channels", "tasks"});
  Principal p;
  p.name = PrincipalName(r.name(r.member(v, field, "name"), field + ".name"));
  const json& role = r.member(v, field, "role");
  const auto parsed =
      role.is_string() ? role_from_name(role.get_ref<const std::string&>()) : std::optional<Role>{};
  if (!parsed) {
    r.fail(field + ".role",
           "must be one of channel, officer_console, connector, operator, orchestrator");
  }
  p.role = *parsed;
  p.channels = r.names(v, field, "channels");
  p.tasks = r.names(v, field, "tasks");
  const bool acts_in_channels = p.role == Role::channel || p.role == Role::officer_console;
  // An officer console answers the officer's tasks (review, QR display) as well.
  const bool sends_results =
      p.role == Role::connector || p.role == Role::orchestrator || p.role == Role::officer_console;
  if (acts_in_channels && p.channels.empty()) r.fail(field + ".channels", "missing or empty");
  if (!acts_in_channels && v.contains("channels")) {
    r.fail(field + ".channels", "only for roles channel and officer_console");
  }
  if (p.role == Role::connector && p.tasks.empty()) r.fail(field + ".tasks", "missing or empty");
  if (!sends_results && v.contains("tasks")) {
    r.fail(field + ".tasks", "only for roles connector, officer_console and orchestrator");
  }
  return p;
}

TrustedKey read_key(const Reader& r, const json& v, const std::string& field) {
  r.object(v, field,
           {"id", "principal", "alg", "not_before", "not_after", "revoked_at", "public_key"});
  TrustedKey k;
  k.id = KeyId(r.name(r.member(v, field, "id"), field + ".id"));
  k.principal = PrincipalName(r.name(r.member(v, field, "principal"), field + ".principal"));
  const json& alg = r.member(v, field, "alg");
  const auto parsed =
      alg.is_string() ? alg_from_name(alg.get_ref<const std::string&>()) : std::optional<Alg>{};
  if (!parsed) r.fail(field + ".alg", "must be hmac-sha256 or ed25519");
  k.alg = *parsed;
  k.not_before = r.time(r.member(v, field, "not_before"), field + ".not_before");
  if (v.contains("not_after")) {
    k.not_after = r.time(v.at("not_after"), field + ".not_after");
    if (!(k.not_before < *k.not_after)) r.fail(field + ".not_after", "must be after not_before");
  }
  if (v.contains("revoked_at")) k.revoked_at = r.time(v.at("revoked_at"), field + ".revoked_at");
  const bool has_public = v.contains("public_key");
  if (k.alg == Alg::ed25519) {
    const json& pk = r.member(v, field, "public_key");
    const auto bytes = pk.is_string() && pk.get_ref<const std::string&>().size() <= 64
                           ? crypto::from_base64(pk.get_ref<const std::string&>())
                           : std::nullopt;
    if (!bytes || bytes->size() != kEd25519PublicKeyBytes) {
      r.fail(field + ".public_key", "must be a 32-byte Ed25519 public key in base64");
    }
    std::copy(bytes->begin(), bytes->end(), k.public_key.begin());
  } else if (has_public) {
    r.fail(field + ".public_key", "only for ed25519 keys (an HMAC key is secret)");
  }
  return k;
}

}  // namespace

std::string_view alg_name(Alg alg) {
  for (const auto& [a, n] : kAlgs) {
    if (a == alg) return n;
  }
  return "?";
}

std::optional<Alg> alg_from_name(std::string_view name) {
  for (const auto& [a, n] : kAlgs) {
    if (n == name) return a;
  }
  return std::nullopt;
}

std::string_view role_name(Role role) {
  for (const auto& [r, n] : kRoles) {
    if (r == role) return n;
  }
  return "none";
}

std::optional<Role> role_from_name(std::string_view name) {
  for (const auto& [r, n] : kRoles) {
    if (n == name) return r;
  }
  return std::nullopt;
}

const Principal* TrustFile::principal(const PrincipalName& name) const {
  const auto it = std::find_if(principals.begin(), principals.end(),
                               [&](const Principal& p) { return p.name == name; });
  return it == principals.end() ? nullptr : &*it;
}

const TrustedKey* TrustFile::key(const KeyId& id) const {
  const auto it =
      std::find_if(keys.begin(), keys.end(), [&](const TrustedKey& k) { return k.id == id; });
  return it == keys.end() ? nullptr : &*it;
}

TrustFile parse_trust_file(std::string_view text, const std::string& file) {
  const Reader r(file);
  const json doc = r.parse(text, kMaxTrustFileBytes, kMaxDepth);
  r.object(doc, "(file)", {"version", "principals", "keys"});
  r.version(doc, kVersion);
  TrustFile trust;
  const json& principals =
      r.array(r.member(doc, "(file)", "principals"), "principals", kMaxPrincipals);
  for (std::size_t i = 0; i < principals.size(); ++i) {
    const std::string field = "principals[" + std::to_string(i) + "]";
    Principal p = read_principal(r, principals[i], field);
    if (trust.principal(p.name) != nullptr) r.fail(field + ".name", "'" + p.name.str() + "' twice");
    trust.principals.push_back(std::move(p));
  }
  const json& keys = r.array(r.member(doc, "(file)", "keys"), "keys", kMaxKeys);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const std::string field = "keys[" + std::to_string(i) + "]";
    TrustedKey k = read_key(r, keys[i], field);
    if (trust.key(k.id) != nullptr) r.fail(field + ".id", "'" + k.id.str() + "' twice");
    if (trust.principal(k.principal) == nullptr) {
      r.fail(field + ".principal", "'" + k.principal.str() + "' is not declared in principals");
    }
    trust.keys.push_back(std::move(k));
  }
  return trust;
}

TrustFile load_trust_file(const std::filesystem::path& key_dir) {
  const std::filesystem::path path = key_dir / kTrustFileName;
  return parse_trust_file(FileReader::read(path, kMaxTrustFileBytes), path.string());
}

std::string trust_file_text(const TrustFile& trust) {
  json principals = json::array();
  for (const auto& p : trust.principals) {
    json entry{{"name", p.name.str()}, {"role", role_name(p.role)}};
    if (!p.channels.empty()) entry["channels"] = p.channels;
    if (!p.tasks.empty()) entry["tasks"] = p.tasks;
    principals.push_back(std::move(entry));
  }
  json keys = json::array();
  for (const auto& k : trust.keys) {
    json entry{{"id", k.id.str()},
               {"principal", k.principal.str()},
               {"alg", alg_name(k.alg)},
               {"not_before", to_rfc3339(k.not_before)}};
    if (k.not_after) entry["not_after"] = to_rfc3339(*k.not_after);
    if (k.revoked_at) entry["revoked_at"] = to_rfc3339(*k.revoked_at);
    if (k.alg == Alg::ed25519) entry["public_key"] = crypto::to_base64(k.public_key);
    keys.push_back(std::move(entry));
  }
  return json{{"version", kVersion}, {"principals", principals}, {"keys", keys}}.dump(2) + "\n";
}

}  // namespace enroll::trust
