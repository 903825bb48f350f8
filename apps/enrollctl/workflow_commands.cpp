#include "apps/enrollctl/workflow_commands.hpp"

#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "adapters/codec/known_tasks.hpp"
#include "apps/enrollctl/channel_folder.hpp"
#include "apps/enrollctl/definition_check.hpp"
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

// Another file in the folder with the same channel and version: enrollmentd would refuse
// to start with both.
void check_duplicate(const CheckResult& r, const std::vector<ChannelFile>& others,
                     std::vector<std::string>& errors) {
  std::error_code ec;
  const auto self = std::filesystem::weakly_canonical(r.file, ec);
  for (const auto& other : others) {
    if (other.channel != r.definition->channel || other.version != r.definition->version) {
      continue;
    }
    if (std::filesystem::weakly_canonical(other.path, ec) == self) continue;
    errors.push_back("channel " + other.channel + " version " + std::to_string(other.version) +
                     " is also defined in " + other.path.string());
  }
}

}  // namespace

int run_check(const GlobalOptions& options, const std::string& file) {
  const codec::SchemaSet schemas;
  LintContext context;
  context.known_tasks = codec::known_tasks();
  std::vector<ChannelFile> others;
  std::vector<std::string> folder_warnings;
  try {
    auto folder = read_channel_folder(options.workflows, schemas);
    context.known_channels = std::move(folder.names);
    others = std::move(folder.files);
  } catch (const std::runtime_error& e) {
    folder_warnings.push_back(std::string(e.what()) +
                              ": hand-overs can only name this file's own channel");
  }

  CheckResult r = check_definition_file(file, schemas, context);
  if (r.definition) check_duplicate(r, others, r.errors);
  r.warnings.insert(r.warnings.begin(), folder_warnings.begin(), folder_warnings.end());

  if (options.json) {
    print_json(ordered_json{
        {"file", file}, {"ok", r.ok()}, {"errors", r.errors}, {"warnings", r.warnings}});
    return r.ok() ? 0 : 1;
  }
  if (r.ok()) {
    std::set<std::string> connectors;
    for (const auto& s : r.definition->steps) {
      if (s.task) connectors.insert(s.task->connector);
    }
    std::cout << file << ": ok (" << count(r.definition->steps.size(), "step") << ", "
              << count(connectors.size(), "connector") << ")\n";
  } else {
    std::cout << file << ": FAILED\n";
    for (const auto& e : r.errors) std::cout << "  error: " << e << "\n";
  }
  for (const auto& w : r.warnings) std::cout << "  warning: " << w << "\n";
  return r.ok() ? 0 : 1;
}

int run_graph(const GlobalOptions& options, const std::string& name, const std::string& format) {
  const codec::SchemaSet schemas;
  ChannelFolder folder;
  try {
    folder = read_channel_folder(options.workflows, schemas);
  } catch (const std::runtime_error& e) {
    return fail(options, e.what());
  }
  // Say which files were left out, so that a broken newer version is not silently
  // replaced by an older one in the drawing.
  for (const auto& p : folder.problems) std::cerr << "enrollctl: skipped " << p << "\n";

  const ChannelDefinition* def = folder.catalog.latest(name);
  if (def == nullptr) {
    if (folder.names.count(name) != 0) {
      return fail(options, "channel " + name + " has no definition that loads");
    }
    std::string known;
    for (const auto& c : folder.catalog.channels()) known += (known.empty() ? "" : ", ") + c;
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
