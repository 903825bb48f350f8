#include "adapters/trust/operator_file.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "adapters/trust/file_reader.hpp"

namespace enroll::trust {
namespace {

using json = nlohmann::json;

constexpr std::size_t kMaxDepth = 4;  // the file's shape nests 3 levels
constexpr int kVersion = 1;

bool lower_hex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

OperatorEntry read_operator(const FileReader& r, const json& v, const std::string& field) {
  r.object(v, field, {"id", "role", "token_sha256", "created_at", "revoked_at"});
  OperatorEntry e;
  e.id = OperatorId(r.name(r.member(v, field, "id"), field + ".id"));
  if (v.contains("role")) {  // missing: an operator (a file from before roles)
    const json& role = v.at("role");
    const auto known = role.is_string() ? token_role_from_string(role.get_ref<const std::string&>())
                                        : std::nullopt;
    if (!known) r.fail(field + ".role", "must be \"operator\" or \"reader\"");
    e.role = *known;
  }
  const json& hash = r.member(v, field, "token_sha256");
  if (!hash.is_string() || hash.get_ref<const std::string&>().size() != kTokenHashHexChars ||
      !lower_hex(hash.get_ref<const std::string&>())) {
    r.fail(field + ".token_sha256", "must be a SHA-256 in 64 lowercase hex digits");
  }
  e.token_sha256 = hash.get<std::string>();
  e.created_at = r.time(r.member(v, field, "created_at"), field + ".created_at");
  if (v.contains("revoked_at")) {
    e.revoked_at = r.time(v.at("revoked_at"), field + ".revoked_at");
    if (*e.revoked_at < e.created_at)
      r.fail(field + ".revoked_at", "must not be before created_at");
  }
  return e;
}

}  // namespace

std::string_view to_string(TokenRole role) {
  return role == TokenRole::reader ? "reader" : "operator";
}

std::optional<TokenRole> token_role_from_string(std::string_view text) {
  if (text == "operator") return TokenRole::operator_;
  if (text == "reader") return TokenRole::reader;
  return std::nullopt;
}

const OperatorEntry* OperatorFile::find(const OperatorId& id) const {
  const auto it = std::find_if(operators.begin(), operators.end(),
                               [&](const OperatorEntry& e) { return e.id == id; });
  return it == operators.end() ? nullptr : &*it;
}

OperatorFile parse_operator_file(std::string_view text, const std::string& file) {
  const FileReader r(file);
  const json doc = r.parse(text, kMaxOperatorFileBytes, kMaxDepth);
  r.object(doc, "(file)", {"version", "operators"});
  r.version(doc, kVersion);
  const json& list = r.array(r.member(doc, "(file)", "operators"), "operators", kMaxOperators);
  OperatorFile out;
  out.operators.reserve(list.size());
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string field = "operators[" + std::to_string(i) + "]";
    OperatorEntry e = read_operator(r, list[i], field);
    if (out.find(e.id) != nullptr) r.fail(field + ".id", "'" + e.id.str() + "' twice");
    // One token for two operators would make the audit name the wrong one. (Both hashes are the
    // file's: no secret to compare in constant time.)
    const auto same_token = [&](const OperatorEntry& o) {
      return o.token_sha256 == e.token_sha256;
    };
    if (std::any_of(out.operators.begin(), out.operators.end(), same_token)) {
      r.fail(field + ".token_sha256", "the same token as another operator");
    }
    out.operators.push_back(std::move(e));
  }
  return out;
}

OperatorFile load_operator_file(const std::filesystem::path& key_dir) {
  const std::filesystem::path path = key_dir / kOperatorFileName;
  return parse_operator_file(FileReader::read(path, kMaxOperatorFileBytes), path.string());
}

std::string operator_file_text(const OperatorFile& file) {
  json list = json::array();
  for (const auto& e : file.operators) {
    json entry{{"id", e.id.str()},
               {"role", to_string(e.role)},
               {"token_sha256", e.token_sha256},
               {"created_at", to_rfc3339(e.created_at)}};
    if (e.revoked_at) entry["revoked_at"] = to_rfc3339(*e.revoked_at);
    list.push_back(std::move(entry));
  }
  return json{{"version", kVersion}, {"operators", list}}.dump(2) + "\n";
}

}  // namespace enroll::trust
