#pragma once
// The states this process last wrote or read, decoded, by their stored bytes: Store::load
// still reads every record from Redis, but decodes (parses, opens the sealed fields, checks)
// only a record whose bytes differ from those remembered. So a hand edit, a quarantine or
// another instance's write is seen exactly as without it, while the common case — the record
// this instance committed a moment ago — costs a byte comparison instead of a decode.
// Bounded: the least recently used go first; a finished registration is not kept (its next
// message, if any, is a retention timer hours later).
//
// Owner: the Store's (the pipeline) thread. It holds personal data in the clear, as every
// state being applied does; nothing of it is logged.
#include <cstddef>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "workflows/state.hpp"

namespace enroll::redis {

class DecodedStates {
 public:
  explicit DecodedStates(std::size_t capacity) : capacity_(capacity) {}
  // The decoded state of `id` if `record` is byte for byte the one remembered for it.
  [[nodiscard]] std::optional<Registration> find(const RegistrationId& id, std::string_view record);
  // Remembers `state` as the decoding of `record` (a finished one is forgotten instead).
  // (Both by value: a caller done with them moves them in.)
  void remember(Registration state, std::string record);
  void forget(const RegistrationId& id);
  [[nodiscard]] std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    RegistrationId id;
    std::string record;
    Registration state;
  };
  std::size_t capacity_;
  std::list<Entry> entries_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> by_id_;
};

}  // namespace enroll::redis
