#include "apps/enrollctl/workflow_commands.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "adapters/codec/definition_schemas.hpp"
#include "adapters/codec/known_tasks.hpp"
#include "workflows/definition_loader.hpp"
#include "workflows/graph.hpp"

namespace enroll::ctl {
namespace {

using ordered_json = nlohmann::ordered_json;

void print_json(const ordered_json& j) {
  // Messages may quote the file's bytes (JSON parse errors): never fail on bad UTF-8.
  std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

int fail(const GlobalOptions& options, const std::string& message) {
  if (options.json) {
    print_json(ordered_json{{"error", message}});
  } else {
    std::cerr << "enrollctl: " << message << "\n";
  }
  return 1;
}

std::string count(std::size_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

// The problems of `file` among those of every file loaded beside it.
std::vector<std::string> messages_of(const std::vector<DefinitionProblem>& problems,
                                     const std::filesystem::path& file) {
  std::vector<std::string> out;
  for (const auto& p : problems) {
    if (p.file == file) out.push_back(p.message);
  }
  return out;
}

// The folder's files with `file` last: loaded as enrollmentd would load them beside it, and of
// two files with its channel and version, `file` is the one refused.
std::vector<std::filesystem::path> beside_folder(const std::filesystem::path& file,
                                                 const std::vector<std::filesystem::path>& folder) {
  std::error_code ec;
  const auto self = std::filesystem::weakly_canonical(file, ec);
  std::vector<std::filesystem::path> out;
  for (const auto& other : folder) {
    if (std::filesystem::weakly_canonical(other, ec) != self) out.push_back(other);
  }
  out.push_back(file);
  return out;
}

}  // namespace

int run_check(const GlobalOptions& options, const std::string& file) {
  const codec::SchemaSet codec_schemas;
  std::vector<std::filesystem::path> folder;
  std::vector<std::string> warnings;
  try {
    folder = definition_files(options.workflows);
  } catch (const DefinitionError& e) {
    warnings.push_back(std::string(e.what()) +
                       ": hand-overs can only name this file's own channel");
  }
  const auto loaded = load_definitions(
      beside_folder(file, folder), codec::DefinitionSchemas(codec_schemas), codec::known_tasks());
  const DefinitionFile& self = loaded.files.back();
  const auto errors = messages_of(loaded.errors, self.path);
  for (auto& w : messages_of(loaded.warnings, self.path)) warnings.push_back(std::move(w));
  const bool ok = self.loaded;

  if (options.json) {
    print_json(
        ordered_json{{"file", file}, {"ok", ok}, {"errors", errors}, {"warnings", warnings}});
    return ok ? 0 : 1;
  }
  if (ok) {
    const ChannelDefinition& def = *loaded.catalog.get(self.channel, self.version);
    std::set<std::string> connectors;
    for (const auto& s : def.steps) {
      if (s.task) connectors.insert(s.task->connector);
    }
    std::cout << file << ": ok (" << count(def.steps.size(), "step") << ", "
              << count(connectors.size(), "connector") << ")\n";
  } else {
    std::cout << file << ": FAILED\n";
    for (const auto& e : errors) std::cout << "  error: " << e << "\n";
  }
  for (const auto& w : warnings) std::cout << "  warning: " << w << "\n";
  return ok ? 0 : 1;
}

int run_graph(const GlobalOptions& options, const std::string& name, const std::string& format) {
  const codec::SchemaSet codec_schemas;
  LoadedDefinitions loaded;
  try {
    loaded = load_definitions(definition_files(options.workflows),
                              codec::DefinitionSchemas(codec_schemas), codec::known_tasks());
  } catch (const DefinitionError& e) {
    return fail(options, e.what());
  }
  // Say which files were left out, so that a broken newer version is not silently
  // replaced by an older one in the drawing.
  for (const auto& f : loaded.files) {
    if (const auto errors = messages_of(loaded.errors, f.path); !errors.empty()) {
      std::cerr << "enrollctl: skipped " << f.path.string() << ": " << errors.front() << "\n";
    }
  }

  const ChannelDefinition* def = loaded.catalog.latest(name);
  if (def == nullptr) {
    const bool named = std::any_of(loaded.files.begin(), loaded.files.end(),
                                   [&](const DefinitionFile& f) { return f.channel == name; });
    if (named) return fail(options, "channel " + name + " has no definition that loads");
    std::string known;
    for (const auto& c : loaded.catalog.channels()) known += (known.empty() ? "" : ", ") + c;
    return fail(options, "unknown channel " + name + " (known: " + known + ")");
  }
  const Graph graph = build_graph(*def);
  const std::string text = format == "dot" ? to_dot(graph) : to_mermaid(graph);
  if (options.json) {
    print_json(ordered_json{{"channel", name}, {"format", format}, {"graph", text}});
  } else {
    std::cout << text;
  }
  return 0;
}

}  // namespace enroll::ctl
