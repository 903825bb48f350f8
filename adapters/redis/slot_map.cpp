#include "adapters/redis/slot_map.hpp"

#include <charconv>
#include <set>
#include <stdexcept>

#include "errors/errc.hpp"

namespace enroll::redis {
namespace {

std::optional<int> to_int(std::string_view text) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<Redirect> parse_redirect(std::string_view error, const NodeAddress& from) {
  Redirect r;
  if (error.rfind("MOVED ", 0) == 0) {
    r.kind = Redirect::Kind::moved;
    error.remove_prefix(6);
  } else if (error.rfind("ASK ", 0) == 0) {
    r.kind = Redirect::Kind::ask;
    error.remove_prefix(4);
  } else {
    return std::nullopt;
  }
  const auto space = error.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const auto slot = to_int(error.substr(0, space));
  const std::string_view address = error.substr(space + 1);
  const auto colon = address.rfind(':');  // rfind: an IPv6 host has colons of its own
  if (!slot || *slot < 0 || *slot >= kSlotCount || colon == std::string_view::npos) {
    return std::nullopt;
  }
  const auto port = to_int(address.substr(colon + 1));
  if (!port || *port <= 0 || *port > 65535) return std::nullopt;
  r.slot = Slot{*slot};
  r.node.host = colon == 0 ? from.host : std::string(address.substr(0, colon));
  r.node.port = *port;
  return r;
}

std::array<std::int16_t, kSlotCount> SlotMap::make_unowned() {
  std::array<std::int16_t, kSlotCount> a{};
  a.fill(kNobody);
  return a;
}

std::int16_t SlotMap::index_of(const NodeAddress& node) {
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i] == node) return static_cast<std::int16_t>(i);
  }
  nodes_.push_back(node);
  return static_cast<std::int16_t>(nodes_.size() - 1);
}

SlotMap SlotMap::from_cluster_slots(const redisReply& reply, const NodeAddress& asked) {
  const auto bad = [](const std::string& why) {
    return Error(Errc::redis_refused, "unexpected CLUSTER SLOTS reply: " + why);
  };
  if (reply.type != REDIS_REPLY_ARRAY) throw bad("not an array");
  SlotMap map;
  for (std::size_t i = 0; i < reply.elements; ++i) {
    // [first slot, last slot, [master host, port, id, ...], [replica ...]...]
    const redisReply* range = reply.element[i];
    if (range->type != REDIS_REPLY_ARRAY || range->elements < 3) throw bad("a short range");
    const redisReply* first = range->element[0];
    const redisReply* last = range->element[1];
    const redisReply* master = range->element[2];
    if (first->type != REDIS_REPLY_INTEGER || last->type != REDIS_REPLY_INTEGER ||
        first->integer < 0 || last->integer >= kSlotCount || first->integer > last->integer) {
      throw bad("a bad slot range");
    }
    if (master->type != REDIS_REPLY_ARRAY || master->elements < 2 ||
        master->element[0]->type != REDIS_REPLY_STRING ||
        master->element[1]->type != REDIS_REPLY_INTEGER) {
      throw bad("a bad master entry");
    }
    NodeAddress node{std::string(master->element[0]->str, master->element[0]->len),
                     static_cast<int>(master->element[1]->integer)};
    // An unknown endpoint ('?' or empty): the node that answered knows it by the address
    // the client already uses.
    if (node.host.empty() || node.host == "?") node.host = asked.host;
    const auto index = map.index_of(node);
    for (auto s = first->integer; s <= last->integer; ++s) {
      map.owner_[static_cast<std::size_t>(s)] = index;
    }
  }
  return map;
}

const NodeAddress* SlotMap::owner(Slot slot) const {
  const auto index = owner_.at(static_cast<std::size_t>(slot.value));
  return index == kNobody ? nullptr : &nodes_[static_cast<std::size_t>(index)];
}

void SlotMap::assign(Slot slot, const NodeAddress& node) {
  owner_.at(static_cast<std::size_t>(slot.value)) = index_of(node);
}

std::vector<NodeAddress> SlotMap::masters() const {
  std::set<std::int16_t> serving(owner_.begin(), owner_.end());
  std::vector<NodeAddress> out;
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    if (serving.count(static_cast<std::int16_t>(i)) != 0) out.push_back(nodes_[i]);
  }
  return out;
}

std::optional<std::string> SlotMap::first_gap() const {
  for (int s = 0; s < kSlotCount; ++s) {
    if (owner_[static_cast<std::size_t>(s)] != kNobody) continue;
    int last = s;
    while (last + 1 < kSlotCount && owner_[static_cast<std::size_t>(last) + 1] == kNobody) ++last;
    return std::to_string(s) + "-" + std::to_string(last);
  }
  return std::nullopt;
}

}  // namespace enroll::redis
