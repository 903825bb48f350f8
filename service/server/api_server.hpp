#pragma once
// enrollmentd's HTTP API as one service: the router with the API's routes and the dashboard's
// (dashboard.hpp), the Redis worker, the inbox writer of the operator actions and the Beast
// server, started and stopped in the right order.
//
// Lifecycle: the constructor binds the listening socket (throws Error(io_failed) with a
// one-line reason; kafka::KafkaError for a bad producer setting); start() serves; stop() (or
// the destructor) first stops the server's Asio threads, then the bulk jobs' thread, then the
// worker, then the writer
// (which waits a little for the actions in flight), so that no answer is posted to a dead
// io_context. The monitor, the registry and the catalog must outlive it.
#include <cstdint>
#include <memory>
#include <string>

#include "service/http/api_routes.hpp"
#include "service/http/journey_api.hpp"
#include "service/http/operator_api.hpp"
#include "service/http/read_api.hpp"
#include "service/http/router.hpp"
#include "service/server/bulk_api.hpp"
#include "service/server/inbox_writer.hpp"
#include "service/server/redis_worker.hpp"
#include "service/server/server.hpp"
#include "workflows/crypto/field_cipher.hpp"

namespace enroll::http {

struct ApiServerSettings {
  ServerOptions listen;
  // The hosts a request's Host header may name; empty: default_hosts(listen.host).
  std::vector<std::string> allowed_hosts;
  std::string redis_url;  // redis:// or redis+cluster://, as enrollmentd's setting
  std::shared_ptr<const SecretString> redis_password;  // the key folder's redis.password
  std::string redis_namespace;
  std::int32_t partitions = 0;  // the inbox's partition count
  // Opens the personal fields of stored states (issue 15); enrollmentd's, outliving the server.
  const crypto::FieldCipher* field_cipher = nullptr;
  trust::OperatorTokens operators;  // whose bearer tokens the operator actions take
  ReadApiSettings read;
  // The operator actions: their producer (bootstrap.servers, client.id), the inbox topic,
  // and the channel definitions they are checked against.
  kafka::Settings kafka;
  std::string inbox_topic;
  const DefinitionCatalog* catalog = nullptr;
  const trust::Signer* operator_signer = nullptr;  // operator-api's: signs operator actions
};

class ApiServer {
 public:
  ApiServer(ApiServerSettings settings, const PipelineMonitor& monitor,
            metrics::Registry& registry);  // settings.catalog, operator_signer must be set
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  [[nodiscard]] std::uint16_t port() const { return server_.port(); }
  void start() { server_.start(); }
  void stop();

 private:
  Router router_;
  RedisWorker worker_;
  InboxWriter writer_;
  ReadApi read_api_;
  JourneyApi journey_api_;
  OperatorApi operator_api_;
  BulkApi bulk_api_;  // its jobs' thread: stopped before the worker and the writer
  Server server_;     // last: destroyed first, after stop()
};

}  // namespace enroll::http
