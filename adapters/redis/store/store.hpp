#pragma once
// Registration state, partition offsets and the outbox in Redis. Every key of a partition
// carries the hash tag {p<N>}, so one commit touches one Redis Cluster slot; every command
// names its routing key, so the same Store runs on one Redis or on a Redis Cluster.
//
// Owner: the pipeline thread (the Router is not thread-safe).
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "adapters/codec/outbound_encoder.hpp"
#include "adapters/redis/client.hpp"
#include "adapters/redis/router.hpp"
#include "adapters/redis/store/decoded_states.hpp"
#include "workflows/state.hpp"

namespace enroll::redis {

// A commit refused because another instance claimed the partition since (fencing).
class StaleEpochError : public RedisError {
 public:
  explicit StaleEpochError(std::int32_t partition)
      : RedisError(Errc::stale_epoch,
                   "partition " + std::to_string(partition) + ": stale epoch, commit refused") {}
};

struct PartitionClaim {
  std::int64_t epoch = 0;
  std::optional<std::int64_t> next_offset;  // where to resume reading; nullopt: from the start
};

struct DueTimer {
  RegistrationId id;
  Timestamp due;
};

// A state to store, with its stored form (state_to_record: encoded once, by whoever checked
// that it can be).
struct StoredState {
  Registration state;
  std::string record;
};

// How many audit records a registration's history list in Redis keeps (the HTTP API's
// history): the first ones; past the cap each further record is counted in its meta
// (history_dropped) instead, and the whole trail stays on enroll.audit.
inline constexpr std::size_t history_cap = 1000;

// How many decoded states a Store keeps to skip decoding a record it wrote itself
// (decoded_states.hpp): well above the registrations one instance has in flight.
inline constexpr std::size_t decoded_states_kept = 16384;

// What a commit did besides its states, counted in the minute's activity bucket for the
// dashboard's charts (commit.lua).
struct Activity {
  std::int64_t applied = 0;                      // events applied by the engine
  std::map<std::string, std::int64_t> failures;  // step failures by task (bounded label values)
};

// Names one commit of a partition by its owner, the same for every retry of it: a retry whose
// first run Redis applied (its answer lost with the connection: Redis killed after the script
// ran, a network cut) is answered with that run's outbox entry ids, not applied again
// (replay.lua). The owner numbers its commits; with the epoch the name is unique.
struct CommitId {
  std::uint64_t number = 0;
};

// What Store::load found for a batch's registrations.
struct LoadedStates {
  // Each id asked for that is not quarantined: its state, or nullopt for an unknown one.
  std::map<RegistrationId, std::optional<Registration>> states;
  // Ids whose stored state could not be decoded: moved aside now or before (quarantine.lua).
  // A message for one of them must not start or change it.
  std::set<RegistrationId> quarantined;
};

// A partition's audit chain heads not yet in a signed checkpoint (commit.lua's audit:pending),
// and its last checkpoint ('<number> <root>', "" for none).
struct AuditPending {
  std::map<std::string, std::string> heads;  // registration id → '<seq> <hash>'
  std::string last_checkpoint;
};

struct OutboxEntry {
  std::string entry_id;  // the stream id in Redis
  codec::OutboxMessage message;
};

class Store {
 public:
  // Loads the Lua scripts on every node; throws RedisError.
  // `field_cipher`: opens the personal fields of stored states (none: only states in the clear).
  Store(Router& redis, std::string ns, const crypto::FieldCipher* field_cipher = nullptr);

  std::string state_key(std::int32_t partition, const RegistrationId& id) const;
  // A claim holder ("<partition>|<id>") whose registration has ended or is unknown.
  bool claim_holder_ended(const std::string& holder);

  // Bumps the partition's epoch (fencing out any previous owner) and reads its offset.
  PartitionClaim claim(std::int32_t partition);
  // The stored states of `ids`, and which of them are quarantined, in one round trip. A
  // state that cannot be decoded (StateDecodeError) is quarantined here: moved aside with its
  // reason in one step fenced by `epoch` (quarantine.lua), logged at error level with the id
  // and reason (never the record), and reported quarantined. A state that changed between
  // the read and the move is read again. If another instance has claimed the partition since,
  // nothing is moved (its owner will) but the id is reported quarantined all the same: this
  // instance's commit will be refused anyway.
  LoadedStates load(std::int32_t partition, std::int64_t epoch,
                    const std::vector<RegistrationId>& ids);
  // One atomic step: states (with their next timers), the next offset (none for a batch of
  // timers), the removal of fired timers and the outbox, with the read side kept in step
  // (indexes, funnel, each audit record appended to its registration's history; a tombstone
  // taken out of the indexes, its meta and history deleted; commit.lua), if `epoch` is still
  // current; `activity` and the moves between journey steps are counted in the bucket of the
  // current minute. Returns the outbox entry ids in the order of `outbox`. A retry passes the
  // same `commit_id`: if the first run was applied, it answers that run's ids and changes nothing.
  // Throws StaleEpochError.
  std::vector<std::string> commit(std::int32_t partition, std::int64_t epoch, CommitId commit_id,
                                  std::optional<std::int64_t> next_offset,
                                  const std::vector<StoredState>& states,
                                  const std::vector<codec::OutboxMessage>& outbox,
                                  const std::vector<RegistrationId>& fired_timers = {},
                                  const Activity& activity = {});
  // Registrations of each partition whose timer is due at `now`, with their due times (at most
  // `limit` each), in one round trip.
  std::map<std::int32_t, std::vector<DueTimer>> due_timers(
      const std::vector<std::int32_t>& partitions, Timestamp now, std::size_t limit);
  // The one-active-registration claim (citizen_claim.lua): true if `id` (of inbox partition
  // `partition`) holds it. No TTL: it lasts until its registration releases it at its end; a
  // claim whose holder has ended all the same (a release lost with writes Redis dropped) is
  // taken over. `older_hashes`: the citizen's hashes under older citizen_hash key versions
  // still kept: a live claim under one refuses too (one of this registration's moves to the
  // current hash). Not atomic across the keys: two new registrations of one citizen still
  // meet on the current hash's key.
  bool claim_citizen(const std::string& citizen_hash, const std::vector<std::string>& older_hashes,
                     const RegistrationId& id, std::int32_t partition);
  // Releases the claim under every hash given (only where `id` holds it).
  void release_citizen(const std::string& citizen_hash,
                       const std::vector<std::string>& older_hashes, const RegistrationId& id,
                       std::int32_t partition);
  // The partition's pending audit heads and last checkpoint, in one round trip.
  AuditPending audit_pending(std::int32_t partition);
  // checkpoint.lua: `message` (a signed audit.checkpoint) into the outbox, the last checkpoint
  // moved from `last` to `next`, the `covered` heads (as audit_pending read them) no longer
  // pending, if `epoch` is current and the last checkpoint is still `last`. Returns the outbox
  // entry id; a retry with the same `commit_id` as commit()'s. Throws StaleEpochError.
  std::string commit_checkpoint(std::int32_t partition, std::int64_t epoch, CommitId commit_id,
                                const std::string& last, const std::string& next,
                                const codec::OutboxMessage& message,
                                const std::map<std::string, std::string>& covered);
  // Outbox entries not yet acknowledged by Kafka (to re-send after a restart).
  // After a commit of `committed` succeeded: their decoding is known, so the next load of
  // these records skips it (decoded_states.hpp). Takes them over.
  void remember(std::vector<StoredState>&& committed);
  std::vector<OutboxEntry> pending_outbox(std::int32_t partition);
  // Removes delivered entries, of every partition given in one pipeline (a round trip per
  // Redis node rather than per partition).
  void ack_outbox(const std::map<std::int32_t, std::vector<std::string>>& entry_ids);
  // Sets aside an outbox entry that the broker refuses for good (too large, invalid): moved
  // to the partition's parked stream with the reason (park.lua), never re-sent. False if the
  // entry was not in the outbox (already parked or acknowledged).
  bool park_outbox(std::int32_t partition, const std::string& entry_id, const std::string& reason);
  // Entries parked in `partition` (for operators and tests).
  std::size_t parked_count(std::int32_t partition);

 private:
  std::string key(std::int32_t partition, const std::string& suffix) const;
  // quarantine.lua for one record: true if moved (or not ours to move), false if the state
  // key holds another record now.
  bool quarantine(std::int32_t partition, std::int64_t epoch, const RegistrationId& id,
                  const std::string& record, const std::string& reason);
  Router& redis_;
  std::string ns_;
  const crypto::FieldCipher* field_cipher_;
  DecodedStates decoded_{decoded_states_kept};
  std::string commit_sha_;
  std::string claim_sha_;
  std::string park_sha_;
  std::string quarantine_sha_;
  std::string checkpoint_sha_;
};

}  // namespace enroll::redis
