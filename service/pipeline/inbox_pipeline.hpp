#pragma once
// The ordered path of enrollmentd: consume a batch from enroll.inbox, decode, run the engine,
// commit states + offsets + outbox to Redis in one fenced step per partition, relay the
// outbox to Kafka, and delete what Kafka acknowledged.
//
// Lifecycle: constructed by main; run() blocks on the calling thread (the pipeline thread)
// until stop() is called from any thread; then it finishes the batch in hand, commits,
// flushes the producer and leaves the consumer group. All Kafka and Redis calls happen on
// the pipeline thread; the rebalance callback runs inside the consumer poll on it as well.
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
#include <unordered_map>
#include <vector>

#include "adapters/codec/inbound_decoder.hpp"
#include "adapters/codec/outbound_encoder.hpp"
#include "adapters/kafka/consumer.hpp"
#include "adapters/kafka/producer.hpp"
#include "adapters/redis/store.hpp"
#include "service/pipeline/message_step.hpp"
#include "service/pipeline/passcode_pool.hpp"
#include "service/pipeline/pipeline_monitor.hpp"
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
  std::chrono::milliseconds timer_interval{200};       // how often due timers are looked for
  std::chrono::seconds citizen_claim_ttl{30 * 86400};  // safety net for a lost release
};

struct PipelineCounters {
  std::atomic<std::uint64_t> consumed{0}, applied{0}, rejected{0}, duplicates{0}, dead_lettered{0},
      engine_faults{0}, emitted{0}, commits{0}, stale_commits{0}, timers_fired{0}, parked{0},
      hashed_ahead{0};
};

class InboxPipeline final : public kafka::RebalanceListener {
 public:
  InboxPipeline(PipelineSettings settings, redis::Store& store, const codec::SchemaSet& schemas,
                const crypto::SealKeyPair& passcode_keys, EngineConfig engine);
  ~InboxPipeline() override;

  void run();
  void stop() noexcept { stopping_ = true; }
  [[nodiscard]] const PipelineCounters& counters() const { return counters_; }
  [[nodiscard]] std::size_t owned_partitions() const { return owned_count_.load(); }
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
  // The fenced commit step; nullopt (and the partition forgotten) if another instance has
  // claimed the partition since. Returns the outbox entry ids.
  std::optional<std::vector<std::string>> commit_fenced(
      std::int32_t partition, std::optional<std::int64_t> next_offset,
      const std::vector<redis::StoredState>& states,
      const std::vector<codec::OutboxMessage>& outbox,
      const std::vector<RegistrationId>& fired_timers);
  // Runs the engine over `items` of one partition and commits the result in one step.
  // next_offset: the inbox position after the batch, committed with the states. If Redis
  // refuses the step for good, the items are committed one by one (commit_one).
  void apply_and_commit(std::int32_t partition, std::vector<Item>& items, std::int64_t next_offset);
  // The engine over `items` from the loaded states; `ahead`: with the Argon2id pool.
  Batch run_engine(std::int32_t partition, std::span<Item> items, bool ahead);
  // One item in a step of its own; if Redis refuses that too, its dead letter alone.
  void commit_one(std::int32_t partition, Item& item);
  // After a commit: counters, monitor, relay, the group's offset.
  void committed(std::int32_t partition, Batch& batch, const std::vector<std::string>& entry_ids,
                 const std::string& topic, std::int64_t next_offset);
  // The batch's Argon2id work (passcodes to hash, to check against the loaded states) on the
  // pool, before the engine runs in order and finds the results there.
  void hash_ahead(std::span<const Item> items,
                  const std::map<RegistrationId, std::optional<Registration>>& states);
  void relay(std::int32_t partition, const std::vector<codec::OutboxMessage>& msgs,
             const std::vector<std::string>& entry_ids);
  // Produces an outbox entry; one the broker refuses for good is parked at once.
  void send_or_park(std::int32_t partition, const std::string& entry_id, const std::string& topic,
                    const std::string& key, std::string_view value);
  // Sets aside an outbox entry the broker refuses for good (never re-sent).
  void park(std::int32_t partition, const std::string& entry_id, const std::string& key,
            rd_kafka_resp_err_t why);
  // Requests to the orchestrator's own connector (the citizen claim) run here, not on Kafka.
  void run_own_task(std::int32_t partition, const codec::OutboxMessage& msg,
                    const std::string& entry_id);
  void acknowledge_delivered();
  void publish_owned();  // after epochs_ changed
  template <class F>
  auto with_redis_retry(const char* what, F&& f) -> decltype(f());

  PipelineSettings settings_;
  redis::Store& store_;
  codec::InboundDecoder decoder_;
  codec::OutboundEncoder encoder_;
  MessageStep step_;
  std::unique_ptr<PasscodePool> passcode_pool_;  // none with passcode_workers 0
  EngineConfig engine_;                          // passcode_ahead: the pool
  std::unique_ptr<kafka::Producer> producer_;
  std::unique_ptr<kafka::Consumer> consumer_;

  std::map<std::int32_t, std::int64_t> epochs_;  // partitions owned, with their epoch
  std::atomic<std::size_t> owned_count_{0};
  std::uint64_t next_token_ = 1;
  struct InFlight {
    std::int32_t partition = 0;
    std::string entry_id;
    std::string key;  // the registration id, for the log if it is parked
  };
  std::unordered_map<std::uint64_t, InFlight> in_flight_;
  std::map<std::int32_t, std::vector<std::string>> delivered_;
  std::vector<std::pair<InFlight, rd_kafka_resp_err_t>> to_park_;  // refused for good
  std::atomic<bool> stopping_{false};
  std::chrono::steady_clock::time_point next_timer_check_{};
  PipelineCounters counters_;
  PipelineMonitor* monitor_ = nullptr;
};

}  // namespace enroll
