#pragma once
// The outbox relay: produces committed outbox entries to Kafka with an idempotent producer and,
// once Kafka has acknowledged them, deletes them from the partition's outbox in Redis. An entry
// that the broker refuses for good (too large, invalid) is parked in `{p}:parked`, never
// re-sent; one that fails otherwise stays in the outbox and goes again when the partition is
// next claimed (same entry id: the idempotent resend of the commit path, adapters/README.md).
//
// Owner: InboxPipeline. Thread: the pipeline thread only; the delivery reports run inside
// poll() and flush() on it.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "adapters/kafka/producer.hpp"
#include "adapters/redis/store/store.hpp"
#include "service/pipeline/redis_retry.hpp"
#include "service/pipeline/step/pipeline_counters.hpp"

namespace enroll {

class OutboxRelay {
 public:
  OutboxRelay(const kafka::Settings& kafka, redis::Store& store, const std::atomic<bool>& stopping,
              PipelineCounters& counters);
  OutboxRelay(const OutboxRelay&) = delete;
  OutboxRelay& operator=(const OutboxRelay&) = delete;

  // Produces one outbox entry of `partition`; one the broker refuses for good is parked at once.
  void send(std::int32_t partition, const std::string& entry_id, const std::string& topic,
            const std::string& key, std::string_view value);
  // An entry done without sending anything (an own task with no answer): deleted with the
  // delivered ones.
  void done(std::int32_t partition, std::string entry_id);
  // Sets an entry aside for good (`why`: the broker's refusal), with a metric and a log line.
  void park(std::int32_t partition, const std::string& entry_id, const std::string& key,
            rd_kafka_resp_err_t why);
  // Serves delivery reports without waiting.
  void poll() { producer_->poll(0); }
  // Deletes the delivered entries from Redis and parks those refused after sending.
  void acknowledge();
  // Waits for what is in flight (on stop); false if `timeout` passed first.
  bool flush(std::chrono::milliseconds timeout) {
    return producer_->flush(static_cast<int>(timeout.count()));
  }

 private:
  struct InFlight {
    std::int32_t partition = 0;
    std::string entry_id;
    std::string key;  // the registration id, for the log if it is parked
  };
  void on_delivery(const kafka::Delivery& d);

  redis::Store& store_;
  RedisRetry retry_;
  PipelineCounters& counters_;
  std::unique_ptr<kafka::Producer> producer_;
  std::uint64_t next_token_ = 1;
  std::unordered_map<std::uint64_t, InFlight> in_flight_;
  std::map<std::int32_t, std::vector<std::string>> delivered_;
  std::vector<std::pair<InFlight, rd_kafka_resp_err_t>> to_park_;  // refused after sending
};

}  // namespace enroll
