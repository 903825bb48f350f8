#include "apps/enrollctl/channel_folder.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "apps/enrollctl/definition_check.hpp"

namespace enroll::ctl {
namespace {

// The channel and version a file claims, even when it fails its schema: a broken
// definition still names a channel that others may hand over to.
std::optional<ChannelFile> claimed(const std::filesystem::path& file) {
  std::ifstream in(file);
  const auto doc = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("channel") || !doc["channel"].is_string()) {
    return std::nullopt;
  }
  const auto version = doc.value("version", nlohmann::json());
  return ChannelFile{file, doc["channel"].get<std::string>(),
                     version.is_number_integer() ? version.get<int>() : 0};
}

}  // namespace

ChannelFolder read_channel_folder(const std::filesystem::path& dir,
                                  const codec::SchemaSet& schemas) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    throw std::runtime_error("workflows folder " + dir.string() + " does not exist");
  }
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      paths.push_back(entry.path());
    }
  }
  std::sort(paths.begin(), paths.end());

  ChannelFolder folder;
  for (const auto& path : paths) {
    if (auto file = claimed(path)) {
      folder.names.insert(file->channel);
      folder.files.push_back(std::move(*file));
    }
    auto loaded = load_definition_file(path, schemas);
    if (!loaded.definition) {
      folder.problems.push_back(path.string() + ": " + loaded.errors.front());
      continue;
    }
    try {
      folder.catalog.add(std::move(*loaded.definition));
    } catch (const DefinitionError& e) {
      folder.problems.push_back(path.string() + ": " + e.what());
    }
  }
  return folder;
}

}  // namespace enroll::ctl
