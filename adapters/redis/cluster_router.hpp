#pragma once
// A Redis Cluster client on top of hiredis 0.14, which knows nothing of clusters (Debian
// packages no cluster-aware C or C++ client).
//
// It learns the slot map from CLUSTER SLOTS (asking the known masters, then the seeds),
// keeps one connection per node (opened on first use, logged in with the options'
// credentials: a node learnt from a redirection too), sends each command to the master of
// its routing key's slot, follows MOVED (the map is refreshed) and ASK (ASKING, then the
// command, on the target) up to `max_redirects` times, and reports a lost connection,
// TRYAGAIN (a multi-key command during a slot migration) and CLUSTERDOWN as retryable
// RedisErrors; after a lost connection the next command first refreshes the map (a replica
// may have taken over).
//
// Lifecycle: the constructor discovers the map (and fails if a slot is not served);
// connections close with the object. Owner: one thread.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/redis/router.hpp"
#include "adapters/redis/slot_map.hpp"

namespace enroll::redis {

struct ClusterOptions {
  int max_redirects = 5;    // MOVED/ASK hops per command before giving up (retryable)
  Credentials credentials;  // every node's connection logs in with these (AUTH)
};

// What the router has done, for logs and tests.
struct ClusterCounters {
  std::uint64_t moved = 0;      // MOVED redirections followed
  std::uint64_t ask = 0;        // ASK redirections followed
  std::uint64_t refreshes = 0;  // slot map reads (the first one included)
};

class ClusterRouter final : public Router {
 public:
  // Throws RedisError: retryable if no seed answers or a slot is not served; not retryable
  // if a seed is not a cluster node.
  explicit ClusterRouter(std::vector<NodeAddress> seeds, ClusterOptions options = {});

  Reply command(const RoutingKey& key, const std::vector<std::string>& argv) override;
  std::vector<Reply> pipeline(const std::vector<RoutedCommand>& commands) override;
  std::vector<Reply> on_every_node(const std::vector<std::string>& argv) override;

  // The master that the current map says serves `key` (no I/O).
  [[nodiscard]] std::optional<NodeAddress> node_of(const RoutingKey& key) const;
  [[nodiscard]] std::vector<NodeAddress> masters() const { return map_.masters(); }
  [[nodiscard]] const ClusterCounters& counters() const { return counters_; }
  // Reads the slot map again, asking `first` (if given) before the known nodes and seeds.
  void refresh(const std::optional<NodeAddress>& first = std::nullopt);

 private:
  // Runs one command on its slot's master, or on `redirect`'s node, following further
  // redirections; returns the final reply, error replies included.
  Reply route(const RoutingKey& key, const std::vector<std::string>& argv,
              std::optional<Redirect> redirect);
  // Counts a redirection; for MOVED, reads the map again and records the new owner.
  void follow(const Redirect& redirect);
  // Sends argv to `node` (preceded by ASKING if `asking`) and reads its reply.
  Reply send(const NodeAddress& node, const std::vector<std::string>& argv, bool asking);
  // The master of `slot`; reads the map again if it has none. By value: a refresh replaces
  // the map.
  NodeAddress owner(Slot slot);
  Client& connection(const NodeAddress& node);
  // Throws RedisError(retryable) for an error reply that error_reply() types as a passing
  // state (TRYAGAIN, CLUSTERDOWN, LOADING, MASTERDOWN, ...: its list, not a copy here) and
  // marks the map stale; returns otherwise.
  void throw_if_transient(const redisReply& reply, const NodeAddress& node);
  void refresh_if_stale();

  std::vector<NodeAddress> seeds_;
  ClusterOptions options_;
  SlotMap map_;
  bool stale_ = false;  // a connection failed: read the map before the next command
  std::map<std::string, std::unique_ptr<Client>> connections_;  // by "host:port"
  ClusterCounters counters_;
};

}  // namespace enroll::redis
