#include "connectors/http/api_server.hpp"

namespace enroll::http {

ApiServer::ApiServer(ApiServerSettings settings, const PipelineMonitor& monitor,
                     metrics::Registry& registry)
    : router_(settings.operator_token),
      worker_(settings.redis_url, settings.redis_namespace, settings.partitions),
      read_api_(std::move(settings.read), worker_, monitor, registry),
      server_(settings.listen, router_) {
  read_api_.add_routes(router_);  // before start(): the router is read-only once serving
}

ApiServer::~ApiServer() { stop(); }

void ApiServer::stop() {
  server_.stop();
  worker_.stop();
}

}  // namespace enroll::http
