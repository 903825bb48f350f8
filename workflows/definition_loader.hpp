#pragma once
// The one way channel definitions are read: by enrollmentd at start-up and by enrollctl's
// `workflows check` and `workflows graph`, with the same files, the same checks in the same
// order and the same messages. Each file goes through, a failing stage ending its checks
// (the later ones need what the earlier ones gave):
//   1. read, JSON;
//   2. schemas/channel-definition.schema.json;
//   3. each step on its own (definition_parse.hpp): a known kind, its "config" against
//      schemas/steps/<kind>.schema.json and the kind's parse_config, and what the schema
//      cannot state (a task for kinds that need one, something awaited, a lock's
//      cool-down, a hand-over's channel);
//   4. the rules across steps and against the known tasks and channels (lint, graph.hpp);
// then the files together: one file per channel and version.
// Pure apart from reading the files it is given: the schemas come in through SchemaCheck.
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "workflows/definition.hpp"

namespace enroll {

struct DefinitionProblem {
  std::filesystem::path file;
  // JSON pointer into the file: "" the whole file, "/steps/6" a step, "/steps/6/config/min_score".
  std::string pointer;
  std::string message;  // names the channel and the step where there is one
  // "<file>: <message>", the line both programs print.
  [[nodiscard]] std::string text() const { return file.string() + ": " + message; }
};

struct SchemaViolation {
  std::string keyword;  // the schema keyword that failed
  std::string pointer;  // JSON pointer into the checked document, "" for the whole
};

// The JSON Schemas of schemas/, compiled by the codec (adapters/codec/, which workflows/ does
// not see); paths are relative to schemas/.
class SchemaCheck {
 public:
  virtual ~SchemaCheck() = default;
  [[nodiscard]] virtual bool has(std::string_view path) const = 0;
  // nullopt if `doc` passes the schema at `path`, which exists.
  [[nodiscard]] virtual std::optional<SchemaViolation> check(std::string_view path,
                                                             const nlohmann::json& doc) const = 0;
};

struct DefinitionFile {
  std::filesystem::path path;
  std::string channel;  // the channel the file names, even if it fails a check; "" if none
  int version = 0;      // 0 if it names none
  bool loaded = false;  // in the catalog: no errors
};

struct LoadedDefinitions {
  DefinitionCatalog catalog;
  std::vector<DefinitionFile> files;  // in the order given
  std::vector<DefinitionProblem> errors;
  std::vector<DefinitionProblem> warnings;
  [[nodiscard]] bool ok() const { return errors.empty(); }
};

// Every regular "*.json" file directly in `folder` (not in its subfolders), sorted by name.
// Throws DefinitionError if `folder` is not a folder or holds no such file.
std::vector<std::filesystem::path> definition_files(const std::filesystem::path& folder);

// Reads `files` in the given order. A hand-over may name any channel one of `files` names
// (a file that fails is reported on its own). Of two files with the same channel and version
// the later one is refused. known_tasks: task -> the connector that serves it
// (adapters/codec/known_tasks.hpp).
LoadedDefinitions load_definitions(const std::vector<std::filesystem::path>& files,
                                   const SchemaCheck& schemas,
                                   const std::map<std::string, std::string>& known_tasks);

}  // namespace enroll
