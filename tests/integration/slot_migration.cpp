#include "tests/integration/slot_migration.hpp"

#include <stdexcept>

namespace enroll::test {
namespace {

std::string text(const redisReply* r) { return {r->str, r->len}; }

}  // namespace

SlotMigration::SlotMigration(const std::vector<std::string>& nodes, const std::string& login) {
  for (const auto& a : nodes) {
    const redis::Endpoint e = redis::parse_redis_url("redis://" + login + a);
    credentials_ = e.credentials;
    Master m{{e.host, e.port}, {}, std::make_unique<redis::Client>(e)};
    m.id = text(m.client->command({"CLUSTER", "MYID"}).get());
    masters_.push_back(std::move(m));
  }
}

SlotMigration::Master& SlotMigration::serving(const std::string& key) {
  Master* found = nullptr;
  for (auto& m : masters_) {
    m.client->append({"EXISTS", key});  // append/read_reply: MOVED is returned, not thrown
    const auto r = m.client->read_reply();
    if (r->type == REDIS_REPLY_INTEGER) {
      if (found != nullptr) throw std::runtime_error(key + " is served by two masters");
      found = &m;
    } else if (text(r.get()).rfind("MOVED ", 0) != 0) {
      throw std::runtime_error("EXISTS " + key + ": " + text(r.get()));
    }
  }
  if (found == nullptr) throw std::runtime_error("no master serves " + key);
  return *found;
}

void SlotMigration::begin(redis::Slot slot, Master& from, Master& to) {
  const auto s = std::to_string(slot.value);
  to.client->command({"CLUSTER", "SETSLOT", s, "IMPORTING", from.id});
  from.client->command({"CLUSTER", "SETSLOT", s, "MIGRATING", to.id});
}

void SlotMigration::move_keys(Master& from, Master& to, const std::vector<std::string>& keys) {
  std::vector<std::string> argv{"MIGRATE", to.address.host, std::to_string(to.address.port), "",
                                "0",       "5000"};
  if (!credentials_.empty()) {
    argv.insert(argv.end(), {"AUTH2", credentials_.user, credentials_.password});
  }
  argv.emplace_back("KEYS");
  argv.insert(argv.end(), keys.begin(), keys.end());
  from.client->command(argv);
}

void SlotMigration::finish(redis::Slot slot, Master& from, Master& to) {
  const auto s = std::to_string(slot.value);
  for (;;) {
    const auto r = from.client->command({"CLUSTER", "GETKEYSINSLOT", s, "100"});
    if (r->elements == 0) break;
    std::vector<std::string> keys;
    for (std::size_t i = 0; i < r->elements; ++i) keys.push_back(text(r->element[i]));
    move_keys(from, to, keys);
  }
  // The new owner first, then the old one, then the rest (the order redis-cli uses).
  to.client->command({"CLUSTER", "SETSLOT", s, "NODE", to.id});
  from.client->command({"CLUSTER", "SETSLOT", s, "NODE", to.id});
  for (auto& m : masters_) {
    if (&m != &from && &m != &to) m.client->command({"CLUSTER", "SETSLOT", s, "NODE", to.id});
  }
}

}  // namespace enroll::test
