#include "apps/enrollctl/definition_check.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace enroll::ctl {
namespace {

constexpr const char* kSchema = "channel-definition.schema.json";

// nlohmann's message without its "[json.exception.parse_error.101] " prefix: it already
// names the line and column.
std::string parse_reason(const nlohmann::json::parse_error& e) {
  const std::string what = e.what();
  const auto end = what.find("] ");
  return end == std::string::npos ? what : what.substr(end + 2);
}

}  // namespace

CheckResult load_definition_file(const std::filesystem::path& file,
                                 const codec::SchemaSet& schemas) {
  CheckResult r;
  r.file = file.string();
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  if (!in || !(text << in.rdbuf())) {
    r.errors.push_back("cannot be read");
    return r;
  }
  const std::string body = text.str();

  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(body);
  } catch (const nlohmann::json::parse_error& e) {
    r.errors.push_back("not JSON: " + parse_reason(e));
    return r;
  }

  // The embedded validator speaks RapidJSON, so the text is parsed a second time.
  const auto* schema = schemas.find(kSchema);
  if (schema == nullptr) throw std::logic_error(std::string("no embedded ") + kSchema);
  rapidjson::Document rdoc;
  rdoc.Parse(body.data(), body.size());
  if (rdoc.HasParseError()) {
    r.errors.push_back(
        "not JSON: " + std::string(rapidjson::GetParseError_En(rdoc.GetParseError())) +
        " at offset " + std::to_string(rdoc.GetErrorOffset()));
    return r;
  }
  if (const auto reason = codec::validate(*schema, rdoc); !reason.empty()) {
    r.errors.push_back(std::string("schema ") + kSchema + ": " + reason);
    return r;
  }

  try {
    r.definition = parse_definition(doc);
  } catch (const DefinitionError& e) {
    r.errors.emplace_back(e.what());
  }
  return r;
}

CheckResult check_definition_file(const std::filesystem::path& file,
                                  const codec::SchemaSet& schemas, const LintContext& context) {
  CheckResult r = load_definition_file(file, schemas);
  if (!r.definition) return r;
  // A channel is always known to itself (the lint then warns about a self hand-over).
  LintContext with_self = context;
  with_self.known_channels.insert(r.definition->channel);
  auto report = lint(*r.definition, with_self);
  r.errors = std::move(report.errors);
  r.warnings = std::move(report.warnings);
  return r;
}

}  // namespace enroll::ctl
