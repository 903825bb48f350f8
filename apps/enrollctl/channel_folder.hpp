#pragma once
// The workflows folder (--workflows / ENROLL_WORKFLOWS): the definitions that load, for
// `graph NAME`, and the channel names every file claims, for checking hand-over targets.
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "adapters/codec/schema_set.hpp"
#include "workflows/definition.hpp"

namespace enroll::ctl {

struct ChannelFile {
  std::filesystem::path path;
  std::string channel;
  int version = 0;  // 0 if the file names none
};

struct ChannelFolder {
  DefinitionCatalog catalog;          // files that pass JSON, schema and parse_definition
  std::set<std::string> names;        // every channel a JSON file in the folder names
  std::vector<ChannelFile> files;     // the files that name a channel
  std::vector<std::string> problems;  // "<file>: <reason>" for each file that did not load
};

// Every *.json directly in `dir`, in name order. Throws std::runtime_error if `dir` is not
// a folder.
ChannelFolder read_channel_folder(const std::filesystem::path& dir,
                                  const codec::SchemaSet& schemas);

}  // namespace enroll::ctl
