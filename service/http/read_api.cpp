#include "service/http/read_api.hpp"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "service/http/cursor.hpp"
#include "service/http/query.hpp"
#include "service/http/registration_filter.hpp"
#include "service/http/registration_view.hpp"
#include "workflows/crypto/base64.hpp"
#include "workflows/crypto/published_seal_key.hpp"

namespace enroll::http {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr std::size_t default_limit = 100;
constexpr std::size_t max_limit = 1000;

std::size_t limit_of(const Request& request) {
  const auto text = query_value(request.query, "limit");
  if (!text) return default_limit;
  std::size_t v = 0;
  auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || p != text->data() + text->size() || v < 1 || v > max_limit) {
    throw RequestError(Errc::bad_limit,
                       "limit must be a whole number from 1 to " + std::to_string(max_limit));
  }
  return v;
}

Timestamp wall_now() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

constexpr Status all_statuses[] = {Status::active,      Status::issued,    Status::rejected,
                                   Status::expired,     Status::cancelled, Status::locked,
                                   Status::quarantined, Status::incident};

}  // namespace

ReadApi::ReadApi(ReadApiSettings settings, ReadJobs& worker, const PipelineMonitor& monitor,
                 metrics::Registry& registry)
    : settings_(std::move(settings)),
      worker_(worker),
      monitor_(monitor),
      registry_(registry),
      redis_up_(registry.gauge("enroll_redis_up", "1 if Redis answered this scrape, else 0.")),
      outbox_backlog_(registry.gauge(
          "enroll_outbox_backlog",
          "Outbox entries not yet acknowledged by Kafka, in the partitions owned (read from "
          "Redis at scrape time).")),
      stuck_(registry.gauge("enroll_registrations_stuck",
                            "Active registrations of the partitions owned without a change for "
                            "longer than the stuck-after setting (read from Redis at scrape "
                            "time).")),
      quarantined_(registry.gauge("enroll_registrations_quarantined",
                                  "Registrations of the partitions owned whose stored state "
                                  "could not be decoded and was moved aside (read from Redis "
                                  "at scrape time).")),
      incidents_(registry.gauge("enroll_registrations_incident",
                                "Registrations of the partitions owned waiting in an incident "
                                "(a task's retries ran out) for an operator (read from Redis at "
                                "scrape time).")) {}

void ReadApi::add_routes(Router& router) {
  router.add(Method::get, "/healthz", [](Request&, const Respond& respond) {
    respond(json_response(200, {{"status", "ok"}}));
  });
  router.add(Method::get, "/readyz",
             [this](Request&, Respond respond) { ready(std::move(respond)); });
  router.add(Method::get, "/metrics",
             [this](Request&, Respond respond) { metrics(std::move(respond)); });
  router.add(
      Method::get, "/v1/registrations",
      [this](Request& r, Respond respond) { list(r, std::move(respond)); }, Access::reader);
  // Before /v1/registrations/{id}: the first route that matches serves.
  router.add(
      Method::get, "/v1/registrations/count",
      [this](Request& r, Respond respond) { count(r, std::move(respond)); }, Access::reader);
  router.add(
      Method::get, "/v1/registrations/{id}",
      [this](Request& r, Respond respond) { registration(r, std::move(respond)); }, Access::reader);
  router.add(
      Method::get, "/v1/registrations/{id}/history",
      [this](Request& r, Respond respond) { history(r, std::move(respond)); }, Access::reader);
  router.add(
      Method::get, "/v1/stats/funnel",
      [this](Request&, Respond respond) { funnel(std::move(respond)); }, Access::reader);
  // Open to anyone: the key is public, and signed (seal_publisher), so a client checks it.
  router.add(Method::get, "/v1/keys/passcode", [this](Request&, const Respond& respond) {
    if (!settings_.published_passcode_key.empty()) {
      respond(Response{200, "application/json", settings_.published_passcode_key, {}});
      return;
    }
    respond(json_response(200, {{"algorithm", crypto::kSealKeyAlgorithm},
                                {"public_key", crypto::to_base64(settings_.passcode_key.bytes)}}));
  });
}

void ReadApi::ready(Respond respond) {
  worker_.submit(
      [this](redis::ReadModel& m) {
        const auto owned = monitor_.owned();
        m.ping();  // throws: 503 redis_unavailable
        if (owned.empty()) {
          return error_response(Errc::not_ready, "no inbox partitions assigned yet");
        }
        return json_response(200, {{"status", "ready"}, {"partitions", owned}});
      },
      std::move(respond));
}

void ReadApi::metrics(Respond respond) {
  worker_.submit(
      [this](redis::ReadModel& m) {
        const auto owned = monitor_.owned();
        try {
          outbox_backlog_.set({}, static_cast<double>(m.outbox_backlog(owned)));
          stuck_.set({}, static_cast<double>(
                             m.active_changed_before(owned, wall_now() - settings_.stuck_after)));
          quarantined_.set({}, static_cast<double>(m.count_in(owned, Status::quarantined)));
          incidents_.set({}, static_cast<double>(m.count_in(owned, Status::incident)));
          redis_up_.set({}, 1);
        } catch (const redis::RedisError&) {
          // The pipeline's figures still matter when Redis is away; say so and leave out
          // what only Redis knows.
          redis_up_.set({}, 0);
          outbox_backlog_.replace({});
          stuck_.replace({});
          quarantined_.replace({});
          incidents_.replace({});
        }
        return Response{200, metrics::content_type, registry_.render(), {}};
      },
      std::move(respond));
}

void ReadApi::registration(const Request& request, Respond respond) {
  reject_unknown(request.query, {});
  worker_.submit(
      [id = registration_id_of(request)](redis::ReadModel& m) {
        const auto found = m.registration(id);
        if (found.quarantine) return quarantined_response(id, *found.quarantine);
        if (!found.state)
          return error_response(Errc::registration_not_found, "no registration " + id.str());
        return json_response(200, registration_view(*found.state));
      },
      std::move(respond));
}

void ReadApi::history(const Request& request, Respond respond) {
  reject_unknown(request.query, {"limit", "cursor"});
  const auto id = registration_id_of(request);
  const auto limit = static_cast<std::int64_t>(limit_of(request));
  std::int64_t offset = 0;
  if (const auto cursor = query_value(request.query, "cursor")) {
    const auto decoded = decode_history_cursor(*cursor);
    if (!decoded) throw RequestError(Errc::bad_cursor, "the cursor is not one this API gave");
    offset = *decoded;
  }
  worker_.submit(
      [id, limit, offset](redis::ReadModel& m) {
        const auto page = m.history(id, offset, limit);
        if (!page)
          return error_response(Errc::registration_not_found, "no registration " + id.str());
        if (page->quarantine) return quarantined_response(id, *page->quarantine);
        if (page->purged_at) {
          return error_response(Errc::history_purged,
                                "the history of " + id.str() + " was purged at " +
                                    to_rfc3339(*page->purged_at) +
                                    " (retention); its audit trail is on enroll.audit");
        }
        json records = json::array();
        for (const auto& r : page->records) records.push_back(json::parse(r));
        const std::int64_t next = offset + static_cast<std::int64_t>(page->records.size());
        return json_response(
            200,
            {{"registration_id", id.str()},
             {"total", page->total},
             {"dropped", page->dropped},
             {"records", std::move(records)},
             {"next_cursor", next < page->total ? json(encode_history_cursor(next)) : json()}});
      },
      std::move(respond));
}

redis::ListFilter ReadApi::filter_of(const Request& request) const {
  return parse_filter(request.query, {settings_.channels, settings_.steps}, wall_now());
}

void ReadApi::count(const Request& request, Respond respond) {
  reject_unknown(request.query, {"phase", "status", "channel", "step", "stuck_for"});
  worker_.submit(
      [filter = filter_of(request)](redis::ReadModel& m) {
        const auto c = m.count(filter);
        return json_response(200, {{"count", c.count}, {"exact", c.exact}});
      },
      std::move(respond));
}

void ReadApi::list(const Request& request, Respond respond) {
  reject_unknown(request.query,
                 {"phase", "status", "channel", "step", "stuck_for", "limit", "cursor"});
  const auto filter = filter_of(request);
  const auto limit = limit_of(request);
  std::optional<redis::ListPosition> after;
  if (const auto cursor = query_value(request.query, "cursor")) {
    after = decode_list_cursor(*cursor);
    if (!after) throw RequestError(Errc::bad_cursor, "the cursor is not one this API gave");
  }
  worker_.submit(
      [filter, after, limit](redis::ReadModel& m) {
        const auto page = m.list(filter, after, limit);
        json items = json::array();
        for (const auto& r : page.items) {
          items.push_back({{"id", r.position.id},
                           {"channel", r.channel},
                           {"phase", r.phase},
                           {"status", r.status},
                           {"step", r.step.empty() ? json() : json(r.step)},
                           {"updated_at", to_rfc3339(from_millis(r.position.changed_ms))}});
        }
        return json_response(
            200, {{"items", std::move(items)},
                  {"next_cursor", page.next ? json(encode_list_cursor(*page.next)) : json()}});
      },
      std::move(respond));
}

void ReadApi::funnel(Respond respond) {
  worker_.submit(
      [this](redis::ReadModel& m) {
        auto counts = m.funnel();
        for (const auto& c : settings_.channels) counts[c];  // every known channel, also at 0
        // Phases and statuses in their canonical order, every one present (0 if none).
        ordered_json channels = ordered_json::object();
        for (const auto& [channel, by_name] : counts) {
          const auto& counters = by_name;  // a lambda may not capture a structured binding
          const auto count = [&counters](const std::string& name) {
            const auto it = counters.find(name);
            return it == counters.end() ? std::int64_t{0} : it->second;
          };
          ordered_json reached = ordered_json::object(), active = ordered_json::object(),
                       status = ordered_json::object();
          std::int64_t registrations = 0;
          for (auto p : all_phases) {
            const std::string name(to_string(p));
            reached[name] = count("reached:" + name);
            active[name] = count("active:" + name);
          }
          for (auto s : all_statuses) {
            const std::string name(to_string(s));
            status[name] = count("status:" + name);
            registrations += count("status:" + name);
          }
          channels[channel] = {{"registrations", registrations},
                               {"reached", std::move(reached)},
                               {"status", std::move(status)},
                               {"active_by_phase", std::move(active)}};
        }
        return Response{200,
                        "application/json",
                        ordered_json{{"channels", std::move(channels)}}.dump() + "\n",
                        {}};
      },
      std::move(respond));
}

}  // namespace enroll::http
