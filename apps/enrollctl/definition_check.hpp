#pragma once
// Checking one channel definition file in the order a reader would fix it: (1) JSON,
// (2) schemas/channel-definition.schema.json, (3) parse_definition, (4) the graph lint.
// A failing stage stops the check: later stages need the earlier ones to have passed.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "adapters/codec/schema_set.hpp"
#include "workflows/definition.hpp"
#include "workflows/graph.hpp"

namespace enroll::ctl {

struct CheckResult {
  std::string file;
  std::optional<ChannelDefinition> definition;  // set once stage 3 passed
  std::vector<std::string> errors;
  std::vector<std::string> warnings;
  [[nodiscard]] bool ok() const { return definition.has_value() && errors.empty(); }
};

// Stages 1-3 only: what loading a definition needs.
CheckResult load_definition_file(const std::filesystem::path& file,
                                 const codec::SchemaSet& schemas);

// Stages 1-4.
CheckResult check_definition_file(const std::filesystem::path& file,
                                  const codec::SchemaSet& schemas, const LintContext& context);

}  // namespace enroll::ctl
