#pragma once
// Everything enrollmentd needs before its pipeline starts, each checked with a one-line
// reason on failure: keys, channel definitions, Redis (PING; for a cluster, every slot
// served and every master answering) and Kafka (metadata, inbox topic).
#include <memory>
#include <optional>
#include <stdexcept>

#include "adapters/codec/schema_set.hpp"
#include "adapters/keys/keyring.hpp"
#include "adapters/keys/keys.hpp"
#include "adapters/redis/router.hpp"
#include "adapters/redis/store/store.hpp"
#include "adapters/trust/operator_file.hpp"
#include "adapters/trust/signer.hpp"
#include "adapters/trust/verifier.hpp"
#include "apps/enrollmentd/config.hpp"
#include "service/pipeline/inbox_pipeline.hpp"
#include "service/server/api_server.hpp"
#include "workflows/definition.hpp"

namespace enroll::daemon {

struct StartupError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Startup {
 public:
  explicit Startup(const Config& config);  // throws StartupError
  [[nodiscard]] const Keys& keys() const { return keys_; }
  [[nodiscard]] const crypto::SealKeys& seal_keys() const { return seal_keys_; }
  // The key folder's redis.password (empty if none): for a `redis` URL naming its user alone.
  // Shared with the HTTP side's Redis worker, which reconnects with it.
  [[nodiscard]] std::shared_ptr<const SecretString> redis_password() const {
    return redis_password_;
  }
  // GET /v1/keys/passcode's body: the sealing key signed by the seal_publisher key.
  [[nodiscard]] const std::string& published_seal_key() const { return published_seal_key_; }
  // The key folder's http/tls.crt and http/tls.key, if there: the API serves HTTPS.
  [[nodiscard]] const std::optional<http::TlsSettings>& http_tls() const { return http_tls_; }
  // Who may write to the inbox (the key folder's trust.json), and enrollmentd's own signer
  // (its timers and own-task results).
  [[nodiscard]] const trust::Verifier& verifier() const { return *verifier_; }
  [[nodiscard]] const trust::Signer& signer() const { return *signer_; }
  // operator-api's, for the operator actions of the HTTP API; and who may act through it (the
  // key folder's operators.json: their tokens' hashes).
  [[nodiscard]] const trust::Signer& operator_signer() const { return *operator_signer_; }
  [[nodiscard]] const trust::OperatorFile& operators() const { return operators_; }
  [[nodiscard]] const codec::SchemaSet& schemas() const { return schemas_; }
  [[nodiscard]] redis::Store& store() { return *store_; }
  [[nodiscard]] const EngineConfig& engine_config() const { return engine_; }
  [[nodiscard]] const PipelineSettings& pipeline_settings() const { return pipeline_; }
  // bootstrap.servers and the security settings (the password read from its file).
  [[nodiscard]] const kafka::Settings& kafka_client() const { return kafka_; }
  [[nodiscard]] std::size_t channel_count() const { return catalog_.channels().size(); }
  [[nodiscard]] std::vector<std::string> channels() const { return catalog_.channels(); }
  [[nodiscard]] const DefinitionCatalog& catalog() const { return catalog_; }
  // The inbox topic's partition count (where a registration's state lives).
  [[nodiscard]] std::int32_t inbox_partitions() const { return inbox_partitions_; }

 private:
  Keys keys_;
  crypto::SealKeys seal_keys_;  // views of keys_'s passcode_seal keyring, for the inbox decoder
  crypto::Peppers peppers_;     // views of keys_'s pepper keyring, for engine_.passcode_hash
  std::optional<crypto::FieldCipher> field_cipher_;  // of keys_'s field keyring
  std::optional<Keyring> checkpoint_keys_;  // the audit checkpoint key: signs, never leaves
  std::shared_ptr<const SecretString> redis_password_;  // the key folder's redis.password
  std::string published_seal_key_;
  std::optional<http::TlsSettings> http_tls_;
  std::optional<trust::Verifier> verifier_;
  std::optional<trust::Signer> signer_;
  std::optional<trust::Signer> operator_signer_;
  trust::OperatorFile operators_;
  codec::SchemaSet schemas_;
  DefinitionCatalog catalog_;
  EngineConfig engine_;
  std::unique_ptr<redis::Router> redis_;
  std::unique_ptr<redis::Store> store_;
  kafka::Settings kafka_;
  PipelineSettings pipeline_;
  std::int32_t inbox_partitions_ = 0;
};

// The HTTP API, bound and serving: on `config.http`, with its own connection to the same Redis
// (one server or a cluster: redis::connect of `config.redis`) and its own producer to the
// inbox (the operator actions); the bound port is logged and written to
// `config.http_port_file` if set. Throws StartupError (the address is in use, the port file
// cannot be written). `startup` must outlive the API (its definitions).
std::unique_ptr<http::ApiServer> start_http_api(const Config& config, const Startup& startup,
                                                const PipelineMonitor& monitor,
                                                metrics::Registry& registry);

}  // namespace enroll::daemon
