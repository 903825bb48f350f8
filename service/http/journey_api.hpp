#pragma once
// The dashboard's pictures (contract: HTTP):
//   GET /v1/stats/journey?channel=   the channel's journey graph (its latest definition) with
//                                    the registrations at each step now, by status, and the
//                                    moves along each edge in the last hour
//   GET /v1/stats/activity           events applied and step failures per minute, last hour
// Both read the counters commit.lua keeps (steps, act:<minute>) over every partition, so
// every instance shows the same figures. Journey graphs are built once, here, from the
// catalog. Handlers check the request on the Asio thread and hand the Redis reads to the
// worker (journey_view.hpp shapes the answers).
//
// Lifecycle: must outlive the Router it adds its routes to (the handlers refer to it); the
// catalog must outlive it.
#include <map>
#include <string>

#include "service/http/read_jobs.hpp"
#include "service/http/router.hpp"
#include "workflows/definition.hpp"
#include "workflows/graph.hpp"

namespace enroll::http {

class JourneyApi {
 public:
  JourneyApi(const DefinitionCatalog& catalog, ReadJobs& worker);
  void add_routes(Router& router);

 private:
  void journey(const Request& request, Respond respond);
  void activity(const Request& request, Respond respond);

  ReadJobs& worker_;
  struct Channel {
    const ChannelDefinition* def;
    Graph graph;
  };
  std::map<std::string, Channel, std::less<>> channels_;
};

}  // namespace enroll::http
