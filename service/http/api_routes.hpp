#pragma once
// The API's routes in one call: ApiServer's (service/server/api_server.hpp) and the HTTP fuzz
// target's (tests/fuzz/), so that both route a request to the same handler.
#include "service/http/journey_api.hpp"
#include "service/http/operator_api.hpp"
#include "service/http/read_api.hpp"
#include "service/http/router.hpp"

namespace enroll::http {

// Every route of the API on `router`: the read side, the dashboard's pictures, the operator
// actions and the dashboard (what ApiServer serves; the HTTP fuzz target routes the same).
// Before serving.
void add_api_routes(Router& router, ReadApi& read_api, JourneyApi& journey_api,
                    OperatorApi& operator_api);

}  // namespace enroll::http
