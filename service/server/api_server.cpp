#include "service/server/api_server.hpp"

#include "service/http/registration_filter.hpp"

namespace enroll::http {
namespace {

// The read side's settings with the step names of every loaded definition (a listing's step
// filter must name one).
ReadApiSettings with_steps(ReadApiSettings read, const DefinitionCatalog& catalog) {
  read.steps = filter_names(catalog).steps;
  return read;
}

}  // namespace

ApiServer::ApiServer(ApiServerSettings settings, const PipelineMonitor& monitor,
                     metrics::Registry& registry)
    : router_(std::move(settings.operators)),
      worker_(settings.redis_url, settings.redis_password, settings.redis_namespace,
              settings.partitions, settings.field_cipher),
      writer_(settings.kafka, settings.inbox_topic),
      read_api_(with_steps(std::move(settings.read), *settings.catalog), worker_, monitor,
                registry),
      journey_api_(*settings.catalog, worker_),
      operator_api_(*settings.catalog, worker_, writer_, *settings.operator_signer),
      bulk_api_(operator_api_, worker_, *settings.catalog),
      server_(settings.listen, router_) {
  // Before start(): the router is read-only once serving. The bulk routes first: the first
  // route that matches serves, and /v1/registrations/{id}/retry would take "bulk" for an id.
  router_.allow_hosts(AllowedHosts(settings.allowed_hosts.empty()
                                       ? default_hosts(settings.listen.host)
                                       : std::move(settings.allowed_hosts)));
  bulk_api_.add_routes(router_);
  add_api_routes(router_, read_api_, journey_api_, operator_api_);
}

ApiServer::~ApiServer() { stop(); }

void ApiServer::stop() {
  server_.stop();
  bulk_api_.stop();  // answers of its actions in flight still come: the worker and writer run
  worker_.stop();    // before the writer: a finished check may still hand it an action
  writer_.stop();
}

}  // namespace enroll::http
