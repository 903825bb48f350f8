#include "service/http/journey_api.hpp"

#include <chrono>

#include "service/http/journey_view.hpp"
#include "service/http/query.hpp"
#include "workflows/time.hpp"

namespace enroll::http {
namespace {

using nlohmann::ordered_json;

// The last hour: this minute (still going) and the 59 before it.
struct LastHour {
  std::int64_t first = 0;
  std::int64_t last = 0;
};

LastHour last_hour() {
  const auto now =
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  const std::int64_t minute = to_millis(now) / 60000;
  return {minute - 59, minute};
}

Response ordered_response(ordered_json body) {
  return Response{200, "application/json", body.dump() + "\n", {}};
}

}  // namespace

JourneyApi::JourneyApi(const DefinitionCatalog& catalog, ReadJobs& worker) : worker_(worker) {
  for (const auto& name : catalog.channels()) {
    const ChannelDefinition* def = catalog.latest(name);
    channels_.emplace(name, Channel{def, build_graph(*def)});
  }
}

void JourneyApi::add_routes(Router& router) {
  router.add(
      Method::get, "/v1/stats/journey",
      [this](Request& r, Respond respond) { journey(r, std::move(respond)); }, Access::reader);
  router.add(
      Method::get, "/v1/stats/activity",
      [this](Request& r, Respond respond) { activity(r, std::move(respond)); }, Access::reader);
}

void JourneyApi::journey(const Request& request, Respond respond) {
  reject_unknown(request.query, {"channel"});
  const auto name = query_value(request.query, "channel");
  std::string known;
  for (const auto& [n, c] : channels_) known += (known.empty() ? "" : ", ") + n;
  if (!name) throw RequestError(Errc::bad_filter, "channel is required; one of " + known);
  const auto it = channels_.find(*name);
  if (it == channels_.end()) {
    throw RequestError(Errc::bad_filter, "unknown channel '" + *name + "'; one of " + known);
  }
  worker_.submit(
      [&channel = it->second](redis::ReadModel& m) {
        const auto hour = last_hour();
        const auto steps = m.steps();
        const auto minutes = m.activity(hour.first, hour.last);
        const auto at = steps.find(channel.def->channel);
        auto body = journey_view(*channel.def, channel.graph,
                                 at == steps.end() ? decltype(at->second){} : at->second, minutes);
        body["since"] = to_rfc3339(from_millis(hour.first * 60000));
        return ordered_response(std::move(body));
      },
      std::move(respond));
}

void JourneyApi::activity(const Request& request, Respond respond) {
  reject_unknown(request.query, {});
  worker_.submit(
      [](redis::ReadModel& m) {
        const auto hour = last_hour();
        return ordered_response(
            {{"since", to_rfc3339(from_millis(hour.first * 60000))},
             {"minutes", activity_view(m.activity(hour.first, hour.last), hour.first, hour.last)}});
      },
      std::move(respond));
}

}  // namespace enroll::http
