#include "service/http/journey_view.hpp"

#include "workflows/time.hpp"

namespace enroll::http {
namespace {

using nlohmann::ordered_json;

constexpr std::string_view edge_prefix = "e:";
constexpr std::string_view failure_prefix = "f:";

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// The moves of `channel` over the minutes: (from, to) -> count. Fields are
// e:<channel>:<from>:<to>, none of the names holding ':' (the definition schema; statuses).
std::map<std::pair<std::string, std::string>, std::int64_t> moves_of(
    const std::string& channel, const redis::ActivityCounts& minutes) {
  const std::string prefix = std::string(edge_prefix) + channel + ":";
  std::map<std::pair<std::string, std::string>, std::int64_t> out;
  for (const auto& [minute, counts] : minutes) {
    for (auto it = counts.lower_bound(prefix); it != counts.end() && starts_with(it->first, prefix);
         ++it) {
      const std::string rest = it->first.substr(prefix.size());
      const auto colon = rest.find(':');
      if (colon == std::string::npos) continue;
      out[{rest.substr(0, colon), rest.substr(colon + 1)}] += it->second;
    }
  }
  return out;
}

}  // namespace

ordered_json journey_view(const ChannelDefinition& def, const Graph& graph,
                          const std::map<std::string, std::map<std::string, std::int64_t>>& steps,
                          const redis::ActivityCounts& minutes) {
  ordered_json nodes = ordered_json::array();
  auto unplaced = steps;  // what is left once each step of the graph took its own
  for (const auto& n : graph.nodes) {
    ordered_json node{{"name", n.name}};
    if (n.kind == GraphNode::Kind::step) {
      const StepDef* s = def.find(n.name);
      node["kind"] = "step";
      node["phase"] = s != nullptr ? std::string(to_string(s->phase)) : "";
      node["step_kind"] = s != nullptr ? s->kind : "";
      node["task"] = s != nullptr && s->task ? ordered_json(s->task->name) : ordered_json();
      ordered_json by_status = ordered_json::object();
      by_status["active"] = 0;  // waiting there: always shown
      if (const auto it = unplaced.find(n.name); it != unplaced.end()) {
        for (const auto& [status, count] : it->second) by_status[status] = count;
        unplaced.erase(it);
      }
      node["registrations"] = std::move(by_status);
    } else {
      node["kind"] = "outcome";
    }
    nodes.push_back(std::move(node));
  }

  auto moves = moves_of(def.channel, minutes);
  ordered_json edges = ordered_json::array();
  for (const auto& e : graph.edges) {
    std::int64_t count = 0;
    // A move counts on the first edge between its two nodes (a pair may have one edge per
    // kind, but a move does not say why it happened). Retakes and retries are not moves.
    if (const auto it = moves.find({graph.nodes[e.from].name, graph.nodes[e.to].name});
        it != moves.end() && e.from != e.to) {
      count = it->second;
      moves.erase(it);
    }
    edges.push_back(
        {{"from", e.from}, {"to", e.to}, {"kind", to_string(e.kind)}, {"last_hour", count}});
  }

  ordered_json other_steps = ordered_json::object();
  for (const auto& [step, by_status] : unplaced) other_steps[step] = by_status;
  ordered_json other_moves = ordered_json::array();
  for (const auto& [ends, count] : moves) {
    other_moves.push_back({{"from", ends.first}, {"to", ends.second}, {"last_hour", count}});
  }
  return {{"channel", def.channel},
          {"version", def.version},
          {"nodes", std::move(nodes)},
          {"edges", std::move(edges)},
          {"elsewhere", {{"steps", std::move(other_steps)}, {"moves", std::move(other_moves)}}}};
}

ordered_json activity_view(const redis::ActivityCounts& minutes, std::int64_t first_minute,
                           std::int64_t last_minute) {
  ordered_json out = ordered_json::array();
  for (auto m = first_minute; m <= last_minute; ++m) {
    std::int64_t applied = 0;
    std::int64_t failed = 0;
    ordered_json failures = ordered_json::object();
    if (const auto it = minutes.find(m); it != minutes.end()) {
      for (const auto& [field, count] : it->second) {
        if (field == "applied") applied = count;
        if (starts_with(field, failure_prefix)) {
          failures[field.substr(failure_prefix.size())] = count;
          failed += count;
        }
      }
    }
    out.push_back({{"at", to_rfc3339(from_millis(m * 60000))},
                   {"applied", applied},
                   {"failed", failed},
                   {"failures", std::move(failures)}});
  }
  return out;
}

}  // namespace enroll::http
