#pragma once
// What the dashboard draws (contract: HTTP, GET /v1/stats/journey and /v1/stats/activity),
// made from the read model's counters: pure, no I/O.
//   journey_view: a channel's journey graph (workflows/graph.hpp: steps in definition order,
//     then the outcomes), each step with its registrations now by status (waiting: active;
//     incident, ...: whatever statuses the counters hold), each edge with the registrations
//     that moved along it in the minutes given. What does not fit the graph (a step of an
//     older version, a move no edge stands for, such as an operator's rewind) is listed under
//     `elsewhere`, so that every count is somewhere.
//   activity_view: events applied and step failures (by task) per minute, every minute of the
//     range present (0 when none).
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "adapters/redis/read_model.hpp"
#include "workflows/definition.hpp"
#include "workflows/graph.hpp"

namespace enroll::http {

// `steps`: step -> status -> registrations (the channel's entry of redis::StepCounts);
// `minutes`: the activity of the minutes the edges count (their channel's e:<channel>:... only).
nlohmann::ordered_json journey_view(
    const ChannelDefinition& def, const Graph& graph,
    const std::map<std::string, std::map<std::string, std::int64_t>>& steps,
    const redis::ActivityCounts& minutes);

// Minutes [first, last] (ms since the epoch / 60000), oldest first.
nlohmann::ordered_json activity_view(const redis::ActivityCounts& minutes,
                                     std::int64_t first_minute, std::int64_t last_minute);

}  // namespace enroll::http
