#include "adapters/redis/cluster_router.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

namespace enroll::redis {
namespace {

std::string_view error_text(const redisReply& reply) { return {reply.str, reply.len}; }

}  // namespace

ClusterRouter::ClusterRouter(std::vector<NodeAddress> seeds, ClusterOptions options)
    : seeds_(std::move(seeds)), options_(std::move(options)) {
  if (seeds_.empty()) throw RedisError(Errc::redis_refused, "redis cluster: no seed nodes");
  refresh();
  if (auto gap = map_.first_gap()) {
    throw RedisError(Errc::redis_unavailable,
                     "redis cluster: slots " + *gap + " are not served by any master");
  }
}

void ClusterRouter::refresh(const std::optional<NodeAddress>& first) {
  std::vector<NodeAddress> candidates;
  const auto add = [&](const NodeAddress& n) {
    if (std::find(candidates.begin(), candidates.end(), n) == candidates.end()) {
      candidates.push_back(n);
    }
  };
  if (first) add(*first);
  for (const auto& n : map_.masters()) add(n);
  for (const auto& n : seeds_) add(n);

  std::string failures;
  for (const auto& node : candidates) {
    std::string why;
    try {
      const Reply reply = connection(node).command({"CLUSTER", "SLOTS"});
      SlotMap fresh = SlotMap::from_cluster_slots(*reply, node);
      if (!fresh.empty()) {
        map_ = std::move(fresh);
        stale_ = false;
        ++counters_.refreshes;
        // Connections to nodes that no longer serve slots are not needed any more.
        const auto masters = map_.masters();
        std::erase_if(connections_, [&](const auto& entry) {
          return std::none_of(masters.begin(), masters.end(),
                              [&](const NodeAddress& m) { return m.str() == entry.first; });
        });
        return;
      }
      why = "serves no slot yet";
    } catch (const Error& e) {  // RedisError, or a reply that is no slot map (redis_refused)
      // A node still loading its data or without a majority (error_reply's passing states):
      // ask the next one.
      if (!e.retryable()) {
        throw RedisError(Errc::redis_refused,
                         "redis " + node.str() + ": CLUSTER SLOTS refused: " + e.what());
      }
      why = e.what();
    }
    // A connection error names the node already.
    if (why.find(node.str()) == std::string::npos) why.insert(0, node.str() + ": ");
    failures += (failures.empty() ? "" : "; ") + why;
  }
  stale_ = true;
  throw RedisError(Errc::redis_unavailable,
                   "redis cluster: no node gave the slot map (" + failures + ")");
}

void ClusterRouter::refresh_if_stale() {
  if (stale_) refresh();
}

Client& ClusterRouter::connection(const NodeAddress& node) {
  auto& c = connections_[node.str()];
  if (!c) {  // throws retryable (or refused: a wrong password)
    c = std::make_unique<Client>(Endpoint{node.host, node.port, 0, options_.credentials});
  }
  return *c;
}

NodeAddress ClusterRouter::owner(Slot slot) {
  if (const auto* node = map_.owner(slot)) return *node;
  refresh();
  if (const auto* node = map_.owner(slot)) return *node;
  throw RedisError(Errc::redis_unavailable,
                   "redis cluster: slot " + std::to_string(slot.value) + " is not served");
}

std::optional<NodeAddress> ClusterRouter::node_of(const RoutingKey& key) const {
  if (const auto* node = map_.owner(key_slot(key.value))) return *node;
  return std::nullopt;
}

Reply ClusterRouter::send(const NodeAddress& node, const std::vector<std::string>& argv,
                          bool asking) {
  try {
    Client& c = connection(node);
    // ASKING holds for the next command on this connection only.
    if (asking) c.append({"ASKING"});
    c.append(argv);
    if (asking) c.read_reply();  // +OK; the command's own reply says whether it worked
    return c.read_reply();
  } catch (const RedisError& e) {
    if (e.retryable()) stale_ = true;  // a fail-over may have moved slots
    throw;
  }
}

void ClusterRouter::throw_if_transient(const redisReply& reply, const NodeAddress& node) {
  const RedisError error = error_reply(error_text(reply));  // the one typing of error replies
  if (!error.retryable()) return;
  stale_ = true;  // a cluster in transition (a fail-over, a resharding) may have moved slots
  throw RedisError(error.code(), "redis " + node.str() + ": " + error.what());
}

void ClusterRouter::follow(const Redirect& redirect) {
  if (redirect.kind == Redirect::Kind::ask) {
    ++counters_.ask;  // one key of a slot in migration: the map stays as it is
    return;
  }
  ++counters_.moved;
  // Several commands of a pipeline may meet the same move: read the map once.
  if (const auto* known = map_.owner(redirect.slot); known != nullptr && *known == redirect.node) {
    return;
  }
  // Rare (a resharding or a fail-over) and worth knowing when it happens.
  spdlog::info("redis cluster: slot {} moved to {}; reading the slot map again",
               redirect.slot.value, redirect.node.str());
  try {
    refresh(redirect.node);  // the new owner knows first
  } catch (const RedisError& e) {
    if (!e.retryable()) throw;
    // The redirection alone is enough to go on; the map is read again next time.
  }
  // The redirection is the newest word on this slot, even if the node asked has not heard.
  map_.assign(redirect.slot, redirect.node);
}

Reply ClusterRouter::route(const RoutingKey& key, const std::vector<std::string>& argv,
                           std::optional<Redirect> redirect) {
  const Slot slot = key_slot(key.value);
  for (int hop = 0;; ++hop) {
    const NodeAddress node = redirect ? redirect->node : owner(slot);
    const bool asking = redirect && redirect->kind == Redirect::Kind::ask;
    Reply reply = send(node, argv, asking);
    if (reply->type != REDIS_REPLY_ERROR) return reply;
    redirect = parse_redirect(error_text(*reply), node);
    if (!redirect) {
      throw_if_transient(*reply, node);
      return reply;
    }
    if (hop >= options_.max_redirects) {
      throw RedisError(Errc::redis_unavailable,
                       "redis cluster: slot " + std::to_string(slot.value) + ": more than " +
                           std::to_string(options_.max_redirects) +
                           " redirections (last: " + std::string(error_text(*reply)) + ")");
    }
    follow(*redirect);
  }
}

Reply ClusterRouter::command(const RoutingKey& key, const std::vector<std::string>& argv) {
  refresh_if_stale();
  Reply reply = route(key, argv, std::nullopt);
  if (reply->type == REDIS_REPLY_ERROR) throw error_reply(error_text(*reply));
  return reply;
}

std::vector<Reply> ClusterRouter::pipeline(const std::vector<RoutedCommand>& commands) {
  refresh_if_stale();
  // One pipeline per node, one node after the other: a round trip per node, each node's
  // commands in the caller's order.
  std::vector<NodeAddress> nodes;
  std::vector<std::vector<std::size_t>> groups;
  std::vector<std::size_t> node_of_command(commands.size());
  for (std::size_t i = 0; i < commands.size(); ++i) {
    const NodeAddress node = owner(key_slot(commands[i].key.value));
    auto it = std::find(nodes.begin(), nodes.end(), node);
    if (it == nodes.end()) {
      nodes.push_back(node);
      groups.emplace_back();
      it = nodes.end() - 1;
    }
    const auto n = static_cast<std::size_t>(it - nodes.begin());
    groups[n].push_back(i);
    node_of_command[i] = n;
  }
  std::vector<Reply> replies(commands.size());
  for (std::size_t n = 0; n < nodes.size(); ++n) {
    try {
      Client& c = connection(nodes[n]);
      for (const auto i : groups[n]) c.append(commands[i].argv);
      for (const auto i : groups[n]) replies[i] = c.read_reply();
    } catch (const RedisError& e) {
      if (e.retryable()) stale_ = true;
      throw;
    }
  }
  // Commands whose slot moved (or is moving) are run again, one by one, where they belong.
  for (std::size_t i = 0; i < commands.size(); ++i) {
    if (replies[i]->type != REDIS_REPLY_ERROR) continue;
    const NodeAddress& node = nodes[node_of_command[i]];
    const auto redirect = parse_redirect(error_text(*replies[i]), node);
    if (!redirect) {
      throw_if_transient(*replies[i], node);
      continue;
    }
    follow(*redirect);
    replies[i] = route(commands[i].key, commands[i].argv, redirect);
  }
  return replies;
}

std::vector<Reply> ClusterRouter::on_every_node(const std::vector<std::string>& argv) {
  refresh_if_stale();
  std::vector<Reply> replies;
  for (const auto& node : map_.masters()) {
    try {
      replies.push_back(connection(node).command(argv));
    } catch (const RedisError& e) {
      if (e.retryable()) stale_ = true;
      throw;
    }
  }
  return replies;
}

}  // namespace enroll::redis
