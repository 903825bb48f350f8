#pragma once
// Everything enrollmentd needs before its pipeline starts, each checked with a one-line
// reason on failure: keys, channel definitions, Redis (PING; for a cluster, every slot
// served and every master answering) and Kafka (metadata, inbox topic).
#include <memory>
#include <stdexcept>

#include "apps/enrollmentd/config.hpp"
#include "connectors/codec/schema_set.hpp"
#include "connectors/keys/keys.hpp"
#include "connectors/pipeline/inbox_pipeline.hpp"
#include "connectors/redis/router.hpp"
#include "connectors/redis/store.hpp"
#include "workflows/definition.hpp"

namespace enroll::daemon {

struct StartupError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Startup {
 public:
  explicit Startup(const Config& config);  // throws StartupError
  [[nodiscard]] const Keys& keys() const { return keys_; }
  [[nodiscard]] const codec::SchemaSet& schemas() const { return schemas_; }
  [[nodiscard]] redis::Store& store() { return *store_; }
  [[nodiscard]] const EngineConfig& engine_config() const { return engine_; }
  [[nodiscard]] const PipelineSettings& pipeline_settings() const { return pipeline_; }
  [[nodiscard]] std::size_t channel_count() const { return catalog_.channels().size(); }

 private:
  Keys keys_;
  codec::SchemaSet schemas_;
  DefinitionCatalog catalog_;
  EngineConfig engine_;
  std::unique_ptr<redis::Router> redis_;
  std::unique_ptr<redis::Store> store_;
  PipelineSettings pipeline_;
};

// Reads every *.json of `folder` as a channel definition; throws DefinitionError.
// (validated against schemas/channel-definition.schema.json first); throws DefinitionError.
DefinitionCatalog load_definitions(const std::filesystem::path& folder,
                                   const codec::SchemaSet& schemas);

}  // namespace enroll::daemon
