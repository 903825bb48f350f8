#pragma once
// The ordered path of enrollmentd: consume a batch from enroll.inbox, decode, run the engine,
// commit states + offsets + outbox to Redis in one fenced step per partition, and hand the
// outbox to the relay (outbox_relay.hpp), which sends it to Kafka and deletes what Kafka
// acknowledged; requests to the orchestrator's own connector go to OwnTasks (own_tasks.hpp).
// Due timers are written to the inbox the same way.
//
// Lifecycle: constructed by main; run() blocks on the calling thread (the pipeline thread)
// until stop() is called from any thread; then it finishes the batch in hand, commits,
// flushes the relay and leaves the consumer group. All Kafka and Redis calls happen on the
// pipeline thread (the relay and OwnTasks are its parts); the rebalance callback runs inside
// the consumer poll on it as well. The Argon2id pool's workers only hash.
//
// Isolation: each message goes through MessageStep (never throws: a bad one becomes a dead
// letter); a commit that Redis refuses for good is retried message by message, so only the
// message it refuses is dead-lettered; an outbox entry that the broker refuses for good is
// parked. What still ends run() is the infrastructure failing (Redis or Kafka), never a message.
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "adapters/codec/inbound_decoder.hpp"
#include "adapters/codec/outbound_encoder.hpp"
#include "adapters/kafka/consumer.hpp"
#include "adapters/redis/store/store.hpp"
#include "service/pipeline/audit_anchor.hpp"
#include "service/pipeline/outbox_relay.hpp"
#include "service/pipeline/own_tasks.hpp"
#include "service/pipeline/passcode_pool.hpp"
#include "service/pipeline/redis_retry.hpp"
#include "service/pipeline/step/message_step.hpp"
#include "service/pipeline/step/pipeline_counters.hpp"
#include "service/pipeline/step/pipeline_monitor.hpp"
#include "workflows/engine_config.hpp"

namespace enroll {

struct PipelineSettings {
  kafka::Settings kafka;     // bootstrap.servers and friends, shared by consumer and producer
  kafka::Settings consumer;  // consumer-only settings (session.timeout.ms, ...)
  std::string group = "enrollmentd";
  Topics topics;
  std::string source = "/enrollmentd";  // CloudEvents source of everything emitted
  std::size_t batch_size = 500;
  std::size_t passcode_workers = 0;  // Argon2id threads ahead of the engine; 0: inline
  std::chrono::milliseconds poll_timeout{100};
  std::chrono::milliseconds timer_interval{200};  // how often due timers are looked for
  // Whose stamp is a record's time: the broker's only (a record without a LogAppendTime stamp
  // is dead-lettered, untrusted_timestamp), or also its producer's (enrollmentd's
  // --inbox-time producer: the mock dev broker's tests only).
  bool producer_time = false;
  // Audit checkpoints (audit_anchor.hpp): signed with `checkpoint_key` (its secret half owned
  // by the caller, outliving the pipeline; none: no checkpoints) every `checkpoint_interval`
  // and on stop, for the partitions owned.
  std::optional<CheckpointSigningKey> checkpoint_key;
  std::chrono::milliseconds checkpoint_interval{10000};
  // How often the inbox positions are also committed to the Kafka consumer group, for
  // standard lag tools. The position that counts is in Redis (each commit step writes it);
  // one OffsetCommit per step cost the broker a request per message at low load.
  std::chrono::milliseconds group_commit_interval{1000};
};

class InboxPipeline final : public kafka::RebalanceListener {
 public:
  InboxPipeline(PipelineSettings settings, redis::Store& store, const codec::SchemaSet& schemas,
                crypto::SealKeys passcode_keys, EngineConfig engine,
                const trust::Verifier& verifier, const trust::Signer& signer);
  ~InboxPipeline() override;

  void run();
  void stop() noexcept { stopping_ = true; }
  [[nodiscard]] const PipelineCounters& counters() const { return counters_; }
  // Reports to `monitor` (metrics, owned partitions) from now on; call before run(). The
  // monitor must outlive the pipeline.
  void set_monitor(PipelineMonitor* monitor) { monitor_ = monitor; }

  std::vector<std::optional<std::int64_t>> on_assigned(
      const std::vector<kafka::TopicPartition>& partitions) override;
  void on_revoked(const std::vector<kafka::TopicPartition>& partitions) override;

 private:
  // One inbound message of the inbox for the engine, decoded (or why it could not be).
  struct Item {
    const kafka::Message* msg = nullptr;
    InboxRecord record;
    std::variant<Inbound, codec::DecodeError> decoded;
  };
  // What a batch (or one message) comes to: the states to store and the outbox, in order.
  struct Batch {
    std::map<RegistrationId, redis::StoredState> dirty;
    std::vector<codec::OutboxMessage> outbox;
    std::vector<StepResult> results;          // for the counters and the monitor, once committed
    std::vector<const Inbound*> inputs;       // the decoded input of each result, or nullptr
    std::vector<const InboxRecord*> records;  // the record of each result
  };
  void process(std::vector<kafka::Message> batch);
  void fire_timers();
  // Signs and commits the audit checkpoints of the owned partitions' pending heads, then
  // relays them (audit_anchor.hpp, checkpoint.lua).
  void anchor_audit();
  // The fenced commit step, retried while Redis is unreachable (a retry of a commit that was
  // applied is answered, not applied again: redis::CommitId); nullopt (and the partition
  // forgotten) if another instance has claimed the partition since. Returns the outbox entry
  // ids.
  std::optional<std::vector<std::string>> commit_fenced(
      std::int32_t partition, std::optional<std::int64_t> next_offset,
      const std::vector<redis::StoredState>& states,
      const std::vector<codec::OutboxMessage>& outbox,
      const std::vector<RegistrationId>& fired_timers, const redis::Activity& activity = {});
  // What `batch` comes to in the minute's activity (the dashboard's charts): events applied,
  // step failures by task.
  [[nodiscard]] redis::Activity activity_of(const Batch& batch) const;
  // Runs the engine over `items` of one partition and commits the result in one step.
  // next_offset: the inbox position after the batch, committed with the states. If Redis
  // refuses the step for good, the items are committed one by one (commit_one).
  void apply_and_commit(std::int32_t partition, std::vector<Item>& items, std::int64_t next_offset);
  // The engine over `items` from the loaded states; `ahead`: with the Argon2id pool.
  Batch run_engine(std::int32_t partition, std::span<Item> items, bool ahead);
  // One item in a step of its own; if Redis refuses that too, its dead letter alone.
  void commit_one(std::int32_t partition, Item& item);
  // After a commit: counters, monitor, relay, the group's offset (noted for
  // commit_group_offsets).
  void committed(std::int32_t partition, Batch& batch, const std::vector<std::string>& entry_ids,
                 const std::string& topic, std::int64_t next_offset);
  // The batch's Argon2id work (passcode_prefetch.hpp) on the pool, before the engine runs in
  // order and finds the results there.
  void hash_ahead(std::span<const Item> items,
                  const std::map<RegistrationId, std::optional<Registration>>& states);
  // Committed outbox entries: to the own connector or to Kafka.
  void relay(std::int32_t partition, const std::vector<codec::OutboxMessage>& msgs,
             const std::vector<std::string>& entry_ids);
  void publish_owned();  // after epochs_ changed
  // Commits the inbox positions noted since the last call to the consumer group: all of them
  // once the interval has passed, or those of `revoked` partitions at once.
  void commit_group_offsets(const std::vector<kafka::TopicPartition>* revoked = nullptr);

  PipelineSettings settings_;
  redis::Store& store_;
  std::atomic<bool> stopping_{false};
  PipelineCounters counters_;
  StageLaps laps_{counters_.stage_cpu};  // restarted by run(), on its thread
  codec::InboundDecoder decoder_;
  codec::OutboundEncoder encoder_;
  MessageStep step_;
  std::unique_ptr<PasscodePool> passcode_pool_;  // none with passcode_workers 0
  EngineConfig engine_;                          // passcode_ahead: the pool
  OutboxRelay relay_;
  RedisRetry retry_;  // serves the relay's delivery reports while it waits
  OwnTasks own_tasks_;
  std::unique_ptr<kafka::Consumer> consumer_;  // last: its close calls on_revoked

  std::map<std::int32_t, std::int64_t> epochs_;  // partitions owned, with their epoch
  std::uint64_t commits_begun_ = 0;  // numbers each commit (and its retries): redis::CommitId
  std::chrono::steady_clock::time_point next_timer_check_{};
  std::chrono::steady_clock::time_point next_checkpoint_{};
  std::map<kafka::TopicPartition, std::int64_t> group_offsets_;  // not yet in the group
  std::chrono::steady_clock::time_point next_group_commit_{};
  PipelineMonitor* monitor_ = nullptr;
};

}  // namespace enroll
