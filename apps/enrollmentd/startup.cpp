#include "apps/enrollmentd/startup.hpp"

#include <librdkafka/rdkafka.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <thread>

#include "adapters/codec/definition_schemas.hpp"
#include "adapters/codec/known_tasks.hpp"
#include "adapters/kafka/security.hpp"
#include "adapters/keys/audit_checkpoint_key.hpp"
#include "adapters/keys/http_tls.hpp"
#include "adapters/keys/redis_password.hpp"
#include "adapters/keys/seal_publisher.hpp"
#include "adapters/keys/secret_bytes.hpp"
#include "adapters/redis/connect.hpp"
#include "adapters/trust/operator_tokens.hpp"
#include "adapters/trust/provisioning.hpp"
#include "apps/common/atomic_file.hpp"
#include "errors/errc.hpp"
#include "service/http/duration.hpp"
#include "workflows/crypto/published_seal_key.hpp"
#include "workflows/definition_loader.hpp"

namespace enroll::daemon {
namespace {

struct UnknownTopic : StartupError {
  using StartupError::StartupError;
};

std::string inbox_timestamp_type_once(rd_kafka_t* rk, const std::string& inbox) {
  std::unique_ptr<rd_kafka_queue_t, decltype(&rd_kafka_queue_destroy)> queue(
      rd_kafka_queue_new(rk), &rd_kafka_queue_destroy);
  rd_kafka_ConfigResource_t* resource =
      rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, inbox.c_str());
  rd_kafka_DescribeConfigs(rk, &resource, 1, nullptr, queue.get());
  rd_kafka_ConfigResource_destroy(resource);
  rd_kafka_event_t* ev = nullptr;
  while ((ev = rd_kafka_queue_poll(queue.get(), 15000)) != nullptr &&
         rd_kafka_event_type(ev) != RD_KAFKA_EVENT_DESCRIBECONFIGS_RESULT) {
    rd_kafka_event_destroy(ev);
  }
  if (ev == nullptr) {
    throw StartupError("kafka: no answer to DescribeConfigs of topic " + inbox + " within 15 s");
  }
  std::unique_ptr<rd_kafka_event_t, decltype(&rd_kafka_event_destroy)> owned(
      ev, &rd_kafka_event_destroy);
  if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw StartupError("kafka: cannot read the configs of topic " + inbox + ": " +
                       rd_kafka_event_error_string(ev));
  }
  std::size_t n = 0;
  const rd_kafka_ConfigResource_t** resources =
      rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(ev), &n);
  if (n != 1) throw StartupError("kafka: cannot read the configs of topic " + inbox);
  if (rd_kafka_ConfigResource_error(resources[0]) == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
    throw UnknownTopic("kafka: cannot read the configs of topic " + inbox + ": " +
                       rd_kafka_ConfigResource_error_string(resources[0]));
  }
  if (rd_kafka_ConfigResource_error(resources[0]) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw StartupError("kafka: cannot read the configs of topic " + inbox + ": " +
                       rd_kafka_ConfigResource_error_string(resources[0]));
  }
  std::size_t count = 0;
  const rd_kafka_ConfigEntry_t** entries = rd_kafka_ConfigResource_configs(resources[0], &count);
  for (std::size_t i = 0; i < count; ++i) {
    if (std::string_view(rd_kafka_ConfigEntry_name(entries[i])) == "message.timestamp.type") {
      const char* value = rd_kafka_ConfigEntry_value(entries[i]);
      return value != nullptr ? value : "";
    }
  }
  return "";
}

// The inbox's message.timestamp.type (DescribeConfigs), or why it could not be read. A broker
// that does not know the topic yet (just created, its metadata not there: UNKNOWN_TOPIC) is
// asked again, for up to 10 s.
std::string inbox_timestamp_type(rd_kafka_t* rk, const std::string& inbox) {
  for (int attempt = 1;; ++attempt) {
    try {
      return inbox_timestamp_type_once(rk, inbox);
    } catch (const UnknownTopic& e) {
      if (attempt == 20) throw StartupError(e.what());
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  }
}

// librdkafka's error callback during the check: keeps the last broker error's reason (a
// refused TLS certificate or SASL login), served by rd_kafka_poll on the checking thread.
void keep_last_error(rd_kafka_t* /*rk*/, int /*err*/, const char* reason, void* opaque) {
  try {
    *static_cast<std::string*>(opaque) = reason;
  } catch (...) {  // never throw across librdkafka
  }
}

// Fails unless the brokers answer and the inbox topic exists, and, with `broker_time`, its
// records are stamped by the broker (message.timestamp.type=LogAppendTime); returns its
// partition count.
std::int32_t check_kafka(const kafka::Settings& settings, const std::string& inbox,
                         bool broker_time) {
  rd_kafka_conf_t* conf = kafka::make_conf(settings);
  std::string last_error;
  rd_kafka_conf_set_error_cb(conf, keep_last_error);
  rd_kafka_conf_set_opaque(conf, &last_error);
  std::array<char, 512> err{};
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err.data(), err.size());
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    throw StartupError(std::string("kafka: ") + err.data());
  }
  const rd_kafka_metadata_t* md = nullptr;
  const auto e = rd_kafka_metadata(rk, 1, nullptr, &md, 10000);
  std::int32_t partitions = 0;
  if (e == RD_KAFKA_RESP_ERR_NO_ERROR) {
    for (int i = 0; i < md->topic_cnt; ++i) {
      if (inbox == md->topics[i].topic && md->topics[i].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        partitions = md->topics[i].partition_cnt;
      }
    }
    rd_kafka_metadata_destroy(md);
  } else {
    rd_kafka_poll(rk, 0);  // serves the error callback: why the brokers did not answer
  }
  std::string timestamp_type;
  std::optional<StartupError> failed;
  if (e == RD_KAFKA_RESP_ERR_NO_ERROR && partitions > 0 && broker_time) {
    try {
      timestamp_type = inbox_timestamp_type(rk, inbox);
    } catch (const StartupError& why) {
      failed = why;
    }
  }
  rd_kafka_destroy(rk);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw StartupError("kafka " + settings.at("bootstrap.servers") + " unreachable: " +
                       rd_kafka_err2str(e) + (last_error.empty() ? "" : " (" + last_error + ")"));
  }
  // A cluster lists only the topics this principal may describe (asking for the inbox by name
  // instead could create it where the brokers auto-create topics).
  if (partitions <= 0) {
    throw StartupError("kafka: topic " + inbox +
                       " does not exist, or this principal may not describe it (its ACLs: "
                       "ops/deploy/kafka-acls)");
  }
  if (failed) throw *failed;
  if (broker_time && timestamp_type != "LogAppendTime") {
    throw StartupError("kafka: topic " + inbox + " has message.timestamp.type=" +
                       (timestamp_type.empty() ? "(none)" : timestamp_type) +
                       ": the engine's clock must be the broker's, set it to LogAppendTime "
                       "(ops/deploy/README.md), or pass --inbox-time producer on the mock dev "
                       "broker only");
  }
  return partitions;
}

// The definitions of `folder`, read as `enrollctl workflows check` reads them: one that
// fails any check does not run. Throws DefinitionError with the first problem, naming its
// file; warnings are logged.
DefinitionCatalog load_workflows(const std::filesystem::path& folder,
                                 const codec::SchemaSet& schemas) {
  auto loaded = load_definitions(definition_files(folder), codec::DefinitionSchemas(schemas),
                                 codec::known_tasks());
  for (const auto& w : loaded.warnings) spdlog::warn("{}", w.text());
  if (!loaded.ok()) {
    const auto more = loaded.errors.size() - 1;
    throw DefinitionError(
        loaded.errors.front().text() +
        (more ? " (and " + std::to_string(more) + " more: enrollctl workflows check)" : ""));
  }
  return std::move(loaded.catalog);
}

}  // namespace

Startup::Startup(const Config& config) {
  // First: reads only local files (the password, the TLS ones), before any server is tried.
  try {
    kafka_ = kafka::client_settings(config.brokers, config.kafka_security);
  } catch (const Error& e) {  // bad_setting: one line naming the setting or the file
    throw StartupError("kafka security: " + std::string(e.what()));
  }
  try {
    no_core_dumps();  // before a key is read: a crash must not write one to disk
    keys_ = load_keys(config.keys);
    redis_password_ = std::make_shared<const SecretString>(read_redis_password(config.keys));
    // Signed once here; the signing key is wiped when `publisher` goes.
    const Keyring publisher = load_seal_publisher(config.keys);
    published_seal_key_ =
        crypto::publish_seal_key(keys_.passcode_seal->current().id, keys_.seal_public_key(),
                                 publisher.current().id, publisher.current().secret.view())
            .dump();
    seal_keys_ = keys_.seal_keys();
    if (auto tls = load_http_tls(config.keys)) {
      http_tls_ =
          http::TlsSettings{std::move(tls->certificate_chain_pem),
                            std::make_shared<const SecretString>(std::move(tls->private_key_pem))};
    }
  } catch (const std::exception& e) {
    throw StartupError(e.what());
  }
  try {
    checkpoint_keys_.emplace(load_audit_checkpoint_keys(config.keys));
  } catch (const KeysError& e) {
    // A key folder made before audit checkpoints existed.
    throw StartupError(e.what());
  }
  try {
    verifier_.emplace(trust::Verifier::load(config.keys));
    signer_.emplace(trust::Signer::load(config.keys, PrincipalName(trust::kOrchestratorPrincipal)));
    operator_signer_.emplace(
        trust::Signer::load(config.keys, PrincipalName(trust::kOperatorPrincipal)));
  } catch (const std::exception& e) {
    // One line: the trust file's error names the file and field (enroll-keygen writes it).
    throw StartupError(std::string("inbox trust: ") + e.what());
  }
  const auto operator_file = config.keys / trust::kOperatorFileName;
  std::error_code ec;
  if (!std::filesystem::exists(operator_file, ec)) {
    // A key folder made before operators had their own tokens.
    throw StartupError("operators: missing key file '" + operator_file.string() +
                       "' (make it with enroll-keygen DIR --add-operator ID)");
  }
  try {
    operators_ = trust::load_operator_file(config.keys);
  } catch (const trust::TrustFileError& e) {
    throw StartupError(std::string("operators: ") + e.what());  // one line: the file and field
  }
  try {
    catalog_ = load_workflows(config.workflows, schemas_);
  } catch (const DefinitionError& e) {
    throw StartupError(e.what());
  }
  engine_.catalog = &catalog_;
  // Views of keys_'s keyrings, which live as long as this.
  engine_.passcode_salt_key = key_views(*keys_.passcode_salt).back();
  engine_.citizen_hash_keys = key_views(*keys_.citizen_hash);
  engine_.qr_mac_keys = key_views(*keys_.qr_mac);
  engine_.request_id_key = key_views(*keys_.request_id).back();
  engine_.passcode_hash.opslimit = config.passcode_opslimit;
  engine_.passcode_hash.memlimit = config.passcode_memlimit_kib * 1024;
  peppers_ = key_views(*keys_.passcode_pepper);
  engine_.passcode_hash.peppers = &peppers_;
  field_cipher_.emplace(key_views(*keys_.field));
  engine_.field_cipher = &*field_cipher_;
  if (const auto keep = http::parse_duration(config.retain_finished).value(); keep.count() > 0) {
    engine_.retain_finished = keep;
    spdlog::info("retention: a finished registration is purged {} after it ends",
                 config.retain_finished);
  }

  try {
    redis_ = redis::connect(config.redis, redis_password_->view());
    redis_->on_every_node({"PING"});
    store_ = std::make_unique<redis::Store>(*redis_, config.redis_namespace, &*field_cipher_);
  } catch (const redis::RedisError& e) {
    throw StartupError(std::string(e.what()));
  } catch (const Error& e) {  // bad_url
    throw StartupError(std::string("bad redis setting: ") + e.what());
  }

  pipeline_.kafka = kafka_;
  pipeline_.kafka["client.id"] = "enrollmentd-" + config.instance;
  pipeline_.consumer = {{"session.timeout.ms", std::to_string(config.session_timeout_ms)},
                        {"heartbeat.interval.ms", std::to_string(config.session_timeout_ms / 5)}};
  pipeline_.group = config.group;
  pipeline_.checkpoint_key = CheckpointSigningKey{checkpoint_keys_->current().id,
                                                  checkpoint_keys_->current().secret.view()};
  pipeline_.checkpoint_interval = std::chrono::duration_cast<std::chrono::milliseconds>(
      http::parse_duration(config.audit_checkpoint_interval).value());
  pipeline_.topics.prefix = config.topic_prefix;
  pipeline_.batch_size = static_cast<std::size_t>(config.batch_size);
  pipeline_.passcode_workers = config.passcode_workers >= 0
                                   ? static_cast<std::size_t>(config.passcode_workers)
                                   : std::max(1u, std::thread::hardware_concurrency());
  try {
    pipeline_.producer_time = config.inbox_time == "producer";
    inbox_partitions_ = check_kafka(kafka_, pipeline_.topics.inbox(), !pipeline_.producer_time);
    if (pipeline_.producer_time) {
      spdlog::warn(
          "--inbox-time producer: inbox records stamped by their producers are trusted "
          "(for the mock dev broker only)");
    }
  } catch (const kafka::KafkaError& e) {
    throw StartupError(e.what());
  }
}

std::unique_ptr<http::ApiServer> start_http_api(const Config& config, const Startup& startup,
                                                const PipelineMonitor& monitor,
                                                metrics::Registry& registry) {
  http::ApiServerSettings settings;
  settings.listen = http::parse_listen_address(config.http);  // checked by parse_config
  settings.listen.tls = startup.http_tls();
  if (!config.http_allowed_hosts.empty()) {
    settings.allowed_hosts = http::parse_host_list(config.http_allowed_hosts);  // checked too
  }
  settings.redis_url = config.redis;  // checked by parse_config
  settings.redis_password = startup.redis_password();
  settings.redis_namespace = config.redis_namespace;
  settings.partitions = startup.inbox_partitions();
  settings.field_cipher = startup.engine_config().field_cipher;
  settings.operators = trust::OperatorTokens(startup.operators());
  settings.kafka = startup.kafka_client();
  settings.kafka["client.id"] = "enrollmentd-" + config.instance + "-http";
  settings.inbox_topic = startup.pipeline_settings().topics.inbox();
  settings.catalog = &startup.catalog();
  settings.operator_signer = &startup.operator_signer();
  settings.read.channels = startup.channels();
  settings.read.passcode_key = startup.keys().seal_public_key();
  settings.read.published_passcode_key = startup.published_seal_key();
  settings.read.stuck_after = http::parse_duration(config.stuck_after).value();
  const std::string host = settings.listen.host;
  const char* scheme = settings.listen.tls ? "https" : "http";
  std::unique_ptr<http::ApiServer> api;
  try {
    api = std::make_unique<http::ApiServer>(std::move(settings), monitor, registry);
  } catch (const std::runtime_error& e) {  // also kafka::KafkaError
    throw StartupError(e.what());
  }
  if (!config.http_port_file.empty()) {
    try {
      app::write_file_atomically(config.http_port_file, std::to_string(api->port()) + "\n");
    } catch (const std::system_error& e) {
      throw StartupError(std::string("http port file: ") + e.what());
    }
  }
  api->start();
  const auto operators = trust::OperatorTokens(startup.operators()).active_at(trust::system_now());
  spdlog::info(
      "http: serving {} on {}:{}; /v1 reads and operator actions take the bearer tokens of {} "
      "operator(s) and reader(s) (operators.json, read at start-up)",
      scheme, host, api->port(), operators);
  if (operators == 0)
    spdlog::warn("http: no one may read /v1 or act (operators.json has none unrevoked)");
  if (const char* shared = std::getenv("ENROLL_OPERATOR_TOKEN"); shared && *shared) {
    // The shared token of earlier versions: enrollctl's variable now, never the server's.
    spdlog::warn(
        "ENROLL_OPERATOR_TOKEN is set but not read: operators act with their own "
        "tokens (operators.json)");
  }
  return api;
}

}  // namespace enroll::daemon
