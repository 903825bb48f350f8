#pragma once
// The read side of the registration state in Redis: one registration, its history, listings
// over the indexes and the funnel that commit.lua keeps in the same step as the states, and
// the per-partition figures /metrics reports. Nothing here writes.
//
// Every read names its routing key (a key of the partition it reads; a partition's keys share
// one slot), so the read side works on one Redis and on a Redis Cluster alike.
//
// Owner: one thread (the HTTP API's Redis worker), with a Router of its own: never the
// pipeline's connection, never an Asio thread.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "adapters/redis/router.hpp"
#include "workflows/state.hpp"

namespace enroll::redis {

// A place in a listing's order: last change, then registration id (byte order).
struct ListPosition {
  std::int64_t changed_ms = 0;
  std::string id;
  auto operator<=>(const ListPosition&) const = default;
};

// Conditions of a listing; all that are set must hold.
struct ListFilter {
  std::optional<RegistrationState> phase{};
  std::optional<Status> status{};
  std::optional<std::string> channel{};
  // The current step (meta's, which a registration committed before meta had it lacks until
  // its next change: such a registration matches no step filter).
  std::optional<std::string> step{};
  std::optional<Timestamp> changed_before{};  // last change at or before this (stuck_for)
};

struct ListedRegistration {
  ListPosition position;  // position.id is the registration id
  std::string channel, phase, status;
  std::string step;  // empty when meta has none yet (see ListFilter::step)
};

// How many registrations match a filter. Exact unless the walk hit its bound
// (ReadModel::count_budget registrations examined per partition): then `count` is those found
// among the registrations examined, a lower bound.
struct ListCount {
  std::int64_t count = 0;
  bool exact = true;
};

struct ListPage {
  std::vector<ListedRegistration> items;
  // Where the next page starts (after this); none when the listing is complete. A page may
  // hold fewer than `limit` items and still have a next position (filters that the walked
  // index cannot answer stop after a bounded number of registrations examined).
  std::optional<ListPosition> next;
};

// A registration whose stored state cannot be decoded: moved aside by the pipeline
// (quarantine.lua: `at` set), or not yet (it is at its next message: `at` none).
struct Quarantine {
  std::string reason;  // what is wrong with the record (never its content)
  std::optional<Timestamp> at;
};

// What is stored under a registration id: nothing, its state, or a quarantine.
struct StoredRegistration {
  std::optional<Registration> state;
  std::optional<Quarantine> quarantine;
};

struct HistoryPage {
  // Audit records (JSON), oldest first, in the history's compact form (history_record.hpp:
  // no hashes, inputs or cause).
  std::vector<std::string> records;
  std::int64_t total = 0;  // records in the history
  // Records not kept in Redis (the whole trail is on enroll.audit): past the history's cap
  // (Store's history_cap; the list holds the first `total`), and every record of an issued
  // registration (its history is dropped when it is issued: `total` 0).
  std::int64_t dropped = 0;
  // Set for a tombstone (purged by the retention policy): its history is gone (the trail is on
  // enroll.audit).
  std::optional<Timestamp> purged_at;
  // Set for a quarantined registration (no records then).
  std::optional<Quarantine> quarantine;
};

// Per channel: counter name (reached:<phase>, status:<status>, active:<phase>) -> count,
// summed over the partitions.
using FunnelCounts = std::map<std::string, std::map<std::string, std::int64_t>>;

// Per channel, step and status: the registrations there now (commit.lua's steps), summed over
// the partitions.
using StepCounts =
    std::map<std::string, std::map<std::string, std::map<std::string, std::int64_t>>>;

// Per minute (ms since the epoch / 60000): the activity counters commit.lua keeps (applied,
// f:<task>, e:<channel>:<from>:<to>), summed over the partitions.
using ActivityCounts = std::map<std::int64_t, std::map<std::string, std::int64_t>>;

class ReadModel {
 public:
  // `partitions`: the inbox's partition count (where a registration's keys live).
  // Loads list.lua on every node; throws RedisError.
  // `field_cipher`: opens the personal fields of stored states (none: only states in the clear).
  ReadModel(Router& redis, std::string ns, std::int32_t partitions,
            const crypto::FieldCipher* field_cipher = nullptr);

  [[nodiscard]] std::int32_t partition_of(const RegistrationId& id) const;

  // PING on every node (every master of a cluster); throws RedisError.
  void ping();
  // The stored state, or its quarantine (a record that cannot be decoded is reported as
  // one, never thrown); neither for an unknown registration. One round trip.
  StoredRegistration registration(const RegistrationId& id);
  // Records [offset, offset + limit) of the history (limit >= 1); nullopt for an unknown
  // registration; none and `purged_at` for a purged one; none and `quarantine` for a
  // quarantined one.
  std::optional<HistoryPage> history(const RegistrationId& id, std::int64_t offset,
                                     std::int64_t limit);
  // Up to `limit` registrations after `after` in the listing's order, over every partition
  // (one script call per partition, in one round trip), merged.
  ListPage list(const ListFilter& filter, const std::optional<ListPosition>& after,
                std::size_t limit);
  // Registrations examined at most per partition by count().
  static constexpr std::int64_t count_budget = 200000;
  // The registrations matching `filter`, over every partition. A filter that the walked index
  // answers alone (one of phase, status, channel, with or without stuck_for) is a ZCOUNT per
  // partition, exact at any size; any other is walked in list.lua's counting mode, in slices
  // of 10,000 registrations per partition and script call (a script holds Redis alone), up
  // to count_budget per partition.
  ListCount count(const ListFilter& filter);
  FunnelCounts funnel();
  StepCounts steps();
  // The minutes [first, last] (at most 61) that have activity, over every partition in one
  // round trip. A minute's counters expire an hour after it ends.
  ActivityCounts activity(std::int64_t first_minute, std::int64_t last_minute);
  // Outbox entries not yet acknowledged by Kafka, summed over `partitions`.
  std::int64_t outbox_backlog(const std::vector<std::int32_t>& partitions);
  // Registrations of `partitions` with `status` now (ZCARD of idx:status:<status>), e.g. the
  // quarantined ones or the incidents.
  std::int64_t count_in(const std::vector<std::int32_t>& partitions, Status status);
  // Active registrations of `partitions` whose last change is at or before `before`.
  std::int64_t active_changed_before(const std::vector<std::int32_t>& partitions, Timestamp before);

 private:
  [[nodiscard]] std::string key(std::int32_t partition, std::string_view suffix) const;
  // list.lua's call for partition `p` ('count' mode, or a listing of `limit`).
  RoutedCommand list_command(std::int32_t p, const ListFilter& filter,
                             const std::optional<ListPosition>& after, std::size_t limit,
                             std::size_t budget, bool counting) const;
  // The replies of list.lua's `commands`, loading the script where a node lacks it.
  std::vector<Reply> run_list(const std::vector<RoutedCommand>& commands);
  // One command per partition (make(p) -> RoutedCommand), pipelined; replies in that order.
  template <class MakeCommand>
  std::vector<Reply> per_partition(const std::vector<std::int32_t>& partitions, MakeCommand make);
  Router& redis_;
  std::string ns_;
  std::int32_t partitions_;
  const crypto::FieldCipher* field_cipher_;
  std::string list_sha_;
};

}  // namespace enroll::redis
