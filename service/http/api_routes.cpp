#include "service/http/api_routes.hpp"

#include "service/http/dashboard.hpp"

namespace enroll::http {

void add_api_routes(Router& router, ReadApi& read_api, JourneyApi& journey_api,
                    OperatorApi& operator_api) {
  read_api.add_routes(router);
  journey_api.add_routes(router);
  operator_api.add_routes(router);
  add_dashboard_routes(router, read_api.stuck_after());
}

}  // namespace enroll::http
