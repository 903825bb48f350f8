#pragma once
// Stage 3 of the loader (definition_loader.hpp): the typed definition from a document that
// passed schemas/channel-definition.schema.json, each step checked on its own. What that
// schema states (types, enums, ranges, required members) is not checked again here.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "workflows/definition.hpp"
#include "workflows/definition_loader.hpp"

namespace enroll {

// nullopt, with one problem per failing step appended to `errors`, if a step fails.
std::optional<ChannelDefinition> parse_definition(const std::filesystem::path& file,
                                                  const nlohmann::json& doc,
                                                  const SchemaCheck& schemas,
                                                  std::vector<DefinitionProblem>& errors);

}  // namespace enroll
