#pragma once
// What a Redis Cluster client knows of the cluster: which master serves each slot (from
// CLUSTER SLOTS), and the redirections (MOVED, ASK) a node answers with when it does not
// serve a key's slot. Plain values; no I/O.
#include <hiredis/hiredis.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/redis/slot.hpp"

namespace enroll::redis {

// A cluster node's client address.
struct NodeAddress {
  std::string host;
  int port = 0;
  [[nodiscard]] std::string str() const { return host + ":" + std::to_string(port); }
  friend bool operator==(const NodeAddress&, const NodeAddress&) = default;
};

// "MOVED <slot> <host>:<port>": the slot is served elsewhere for good (refresh the map).
// "ASK <slot> <host>:<port>": during a migration, this key is already on the target: send
// ASKING, then the command, to the target once; the map does not change.
struct Redirect {
  enum class Kind { moved, ask };
  Kind kind = Kind::moved;
  Slot slot;
  NodeAddress node;
};

// Parses a MOVED or ASK error reply; nullopt for any other error. An empty host (Redis 7
// sends one when the node's address is unknown) means the host of `from`, the node that
// replied.
std::optional<Redirect> parse_redirect(std::string_view error, const NodeAddress& from);

// Slot -> master. Built from a CLUSTER SLOTS reply; a slot no master serves has no owner.
class SlotMap {
 public:
  // Throws Error(redis_refused) if `reply` is not a CLUSTER SLOTS reply. `asked`: the node
  // that replied (stands in for an empty or '?' host).
  static SlotMap from_cluster_slots(const redisReply& reply, const NodeAddress& asked);

  [[nodiscard]] const NodeAddress* owner(Slot slot) const;
  // Records that `node` serves `slot` (what a MOVED says).
  void assign(Slot slot, const NodeAddress& node);
  // Every master serving at least one slot, in the order they were first seen.
  [[nodiscard]] std::vector<NodeAddress> masters() const;
  // The first range of slots nobody serves, as "first-last"; nullopt if all are served.
  [[nodiscard]] std::optional<std::string> first_gap() const;
  [[nodiscard]] bool empty() const { return nodes_.empty(); }

 private:
  static constexpr std::int16_t kNobody = -1;
  std::int16_t index_of(const NodeAddress& node);
  std::vector<NodeAddress> nodes_;
  std::array<std::int16_t, kSlotCount> owner_ = make_unowned();
  static std::array<std::int16_t, kSlotCount> make_unowned();
};

}  // namespace enroll::redis
