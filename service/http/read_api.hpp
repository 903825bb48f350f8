#pragma once
// The read side of enrollmentd's HTTP API (contract: HTTP):
//   GET /healthz                          the process serves (liveness)
//   GET /readyz                           200 once partitions are assigned and Redis answers
//   GET /metrics                          Prometheus text
//   GET /v1/registrations/{id}            status (registration_view.hpp)
//   GET /v1/registrations/{id}/history    audit records, oldest first, paged
//   GET /v1/registrations?phase=&status=&channel=&step=&stuck_for=&limit=&cursor=
//   GET /v1/registrations/count?phase=&status=&channel=&step=&stuck_for=
//                                         {"count", "exact"} (ReadModel::count's bound)
//   GET /v1/stats/funnel                  counts per channel and phase
//   GET /v1/keys/passcode                 the passcode sealing public key
// Handlers check the request on the Asio thread and hand the Redis reads to the worker.
// The operator actions (POST .../retry|rewind|cancel) are operator_api.hpp's.
//
// Lifecycle: must outlive the Router it adds its routes to (the handlers refer to it).
#include <chrono>
#include <string>
#include <vector>

#include "adapters/metrics/registry.hpp"
#include "service/http/read_jobs.hpp"
#include "service/http/router.hpp"
#include "service/pipeline/step/pipeline_monitor.hpp"
#include "workflows/crypto/sealed_box.hpp"

namespace enroll::http {

struct ReadApiSettings {
  std::vector<std::string> channels;  // known channels: a listing filter must name one
  crypto::SealPublicKey passcode_key{};
  // /metrics counts active registrations without a change for longer than this as stuck.
  std::chrono::milliseconds stuck_after{std::chrono::minutes(15)};
  // Known steps (of every definition loaded): a step filter must name one. ApiServer fills
  // it from the catalog.
  std::vector<std::string> steps{};
  // GET /v1/keys/passcode's body: passcode_key signed by the seal_publisher key
  // (crypto::publish_seal_key; enrollmentd always sets it). Empty: the key unsigned, which
  // channel back-ends refuse (only tests of the read side leave it so).
  std::string published_passcode_key{};
};

class ReadApi {
 public:
  // Registers the gauges /metrics fills from Redis in `registry`.
  ReadApi(ReadApiSettings settings, ReadJobs& worker, const PipelineMonitor& monitor,
          metrics::Registry& registry);
  void add_routes(Router& router);
  [[nodiscard]] std::chrono::milliseconds stuck_after() const { return settings_.stuck_after; }

 private:
  void ready(Respond respond);
  void metrics(Respond respond);
  void registration(const Request& request, Respond respond);
  void history(const Request& request, Respond respond);
  void list(const Request& request, Respond respond);
  void count(const Request& request, Respond respond);
  // The listing's filters (phase, status, channel, step, stuck_for) of the query; throws
  // RequestError 400 (bad_filter, bad_duration) for an unknown value.
  [[nodiscard]] redis::ListFilter filter_of(const Request& request) const;
  void funnel(Respond respond);

  ReadApiSettings settings_;
  ReadJobs& worker_;
  const PipelineMonitor& monitor_;
  metrics::Registry& registry_;
  metrics::GaugeFamily& redis_up_;
  metrics::GaugeFamily& outbox_backlog_;
  metrics::GaugeFamily& stuck_;
  metrics::GaugeFamily& quarantined_;
  metrics::GaugeFamily& incidents_;
};

}  // namespace enroll::http
