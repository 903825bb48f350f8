#pragma once
// Moves Redis Cluster slots between the masters of a test cluster by hand, the way
// `redis-cli --cluster reshard` does: IMPORTING on the target, MIGRATING on the source,
// MIGRATE of the slot's keys, then SETSLOT NODE on every master. For tests of clients that
// must follow MOVED and ASK while it happens.
//
// Owner: one thread (its connections are its own).
#include <memory>
#include <string>
#include <vector>

#include "adapters/redis/client.hpp"
#include "adapters/redis/slot.hpp"
#include "adapters/redis/slot_map.hpp"

namespace enroll::test {

class SlotMigration {
 public:
  struct Master {
    redis::NodeAddress address;
    std::string id;  // CLUSTER MYID
    std::unique_ptr<redis::Client> client;
  };

  // `nodes`: the masters' "host:port"; `login`: "user:password@" or empty. Connects to each;
  // throws redis::RedisError.
  explicit SlotMigration(const std::vector<std::string>& nodes, const std::string& login);

  std::vector<Master>& masters() { return masters_; }
  // The master serving `key`, asked of the masters themselves: the only one that answers
  // EXISTS without a redirection. Throws std::runtime_error if none or several do.
  Master& serving(const std::string& key);
  Master& other_than(const Master& m) { return &masters_[0] == &m ? masters_[1] : masters_[0]; }

  void begin(redis::Slot slot, Master& from, Master& to);
  // MIGRATE of these keys only (the rest of the slot stays, so clients meet ASK).
  void move_keys(Master& from, Master& to, const std::vector<std::string>& keys);
  // Moves the slot's remaining keys and gives the slot to `to` on every master.
  void finish(redis::Slot slot, Master& from, Master& to);
  void move(redis::Slot slot, Master& from, Master& to) {
    begin(slot, from, to);
    finish(slot, from, to);
  }

 private:
  std::vector<Master> masters_;
  redis::Credentials credentials_;  // MIGRATE logs in on the target with these (AUTH2)
};

}  // namespace enroll::test
