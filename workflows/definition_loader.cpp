#include "workflows/definition_loader.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "workflows/definition_parse.hpp"
#include "workflows/graph.hpp"

namespace enroll {
namespace {

using nlohmann::json;

constexpr const char* kSchema = "channel-definition.schema.json";

// nlohmann's message without its "[json.exception.parse_error.101] " prefix: it already
// names the line and column.
std::string parse_reason(const json::parse_error& e) {
  const std::string what = e.what();
  const auto end = what.find("] ");
  return end == std::string::npos ? what : what.substr(end + 2);
}

// Stages 1 and 2: the document, or nullopt with its problem appended.
std::optional<json> read_document(const std::filesystem::path& file, const SchemaCheck& schemas,
                                  std::vector<DefinitionProblem>& errors) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  if (!in || !(text << in.rdbuf())) {
    errors.push_back({file, "", "cannot be read"});
    return std::nullopt;
  }
  json doc;
  try {
    doc = json::parse(text.str());
  } catch (const json::parse_error& e) {
    errors.push_back({file, "", "not JSON: " + parse_reason(e)});
    return std::nullopt;
  }
  if (const auto v = schemas.check(kSchema, doc)) {
    errors.push_back({file, v->pointer,
                      std::string("schema ") + kSchema + ": violates '" + v->keyword + "' at #" +
                          (v->pointer.empty() ? "/" : v->pointer)});
    return std::nullopt;
  }
  return doc;
}

// The channel and version a document names, whatever else is wrong with it: a broken
// definition still names a channel that others may hand over to.
void claim(DefinitionFile& f, const json& doc) {
  if (!doc.is_object()) return;
  if (const auto c = doc.find("channel"); c != doc.end() && c->is_string()) {
    f.channel = c->get<std::string>();
  }
  if (const auto v = doc.find("version"); v != doc.end() && v->is_number_integer()) {
    f.version = v->get<int>();
  }
}

// The document, read only for the channel it names: its problems are the checks' to report.
json quietly(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return json::parse(in, nullptr, /*allow_exceptions=*/false);
}

}  // namespace

std::vector<std::filesystem::path> definition_files(const std::filesystem::path& folder) {
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) {
    throw DefinitionError("workflows folder " + folder.string() + " does not exist");
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      files.push_back(entry.path());
    }
  }
  if (files.empty()) throw DefinitionError("no channel definitions in " + folder.string());
  std::sort(files.begin(), files.end());
  return files;
}

LoadedDefinitions load_definitions(const std::vector<std::filesystem::path>& files,
                                   const SchemaCheck& schemas,
                                   const std::map<std::string, std::string>& known_tasks) {
  LoadedDefinitions out;
  LintContext context;
  context.known_tasks = known_tasks;
  for (const auto& file : files) {
    DefinitionFile f;
    f.path = file;
    claim(f, quietly(file));
    if (!f.channel.empty()) context.known_channels.insert(f.channel);
    out.files.push_back(std::move(f));
  }
  for (auto& f : out.files) {
    const auto doc = read_document(f.path, schemas, out.errors);
    if (!doc) continue;
    auto def = parse_definition(f.path, *doc, schemas, out.errors);
    if (!def) continue;
    const auto report = lint(*def, context);
    const auto problem = [&](const LintFinding& x) {
      return DefinitionProblem{f.path, "/steps/" + std::to_string(x.step), x.text};
    };
    for (const auto& w : report.warnings) out.warnings.push_back(problem(w));
    for (const auto& e : report.errors) out.errors.push_back(problem(e));
    if (!report.ok()) continue;
    const std::string channel = def->channel;
    const int version = def->version;
    f.loaded = out.catalog.add(std::move(*def));
    if (!f.loaded) {
      const auto other = std::find_if(out.files.begin(), out.files.end(), [&](const auto& o) {
        return o.loaded && o.channel == channel && o.version == version;
      });
      out.errors.push_back({f.path, "",
                            "channel " + channel + " version " + std::to_string(version) +
                                " is also defined in " + other->path.string()});
    }
  }
  return out;
}

}  // namespace enroll
