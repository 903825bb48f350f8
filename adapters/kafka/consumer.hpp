#pragma once
// A group consumer. Owner: one thread calls poll_batch(); the rebalance listener runs inside
// poll_batch() on that thread, so it may do blocking work (e.g. read offsets from Redis).
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/kafka/config.hpp"

namespace enroll::kafka {

// Who stamped a record: its producer (the topic's message.timestamp.type is CreateTime), the
// broker when it appended it (LogAppendTime), or nobody.
enum class TimestampType { none, create_time, log_append_time };

struct Message {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::string key;
  std::string value;
  std::int64_t timestamp_ms = 0;  // broker/producer timestamp; -1 when absent
  TimestampType timestamp_type = TimestampType::none;
};

// A copy of a consumed librdkafka message (which the caller still destroys).
Message copy_message(const rd_kafka_message_t* m);

struct TopicPartition {
  std::string topic;
  std::int32_t partition = 0;
  auto operator<=>(const TopicPartition&) const = default;
};

// Decides where each newly assigned partition starts (nullopt: the group's committed offset /
// auto.offset.reset) and learns about revocations before they happen.
class RebalanceListener {
 public:
  virtual ~RebalanceListener() = default;
  virtual std::vector<std::optional<std::int64_t>> on_assigned(
      const std::vector<TopicPartition>& partitions) = 0;
  virtual void on_revoked(const std::vector<TopicPartition>& partitions) = 0;
};

class Consumer {
 public:
  // `settings` must hold bootstrap.servers and group.id. Auto commit is off unless set.
  Consumer(Settings settings, std::vector<std::string> topics, RebalanceListener* listener);
  ~Consumer();
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  // Up to `max` messages, waiting at most `timeout` for the first one. Rethrows what the
  // rebalance listener threw during the poll (the partitions concerned are then unassigned).
  std::vector<Message> poll_batch(std::size_t max, std::chrono::milliseconds timeout);
  // Records the next offset to read with the group (informational: lag monitoring).
  void commit_async(const std::vector<std::pair<TopicPartition, std::int64_t>>& next_offsets);
  // Leaves the group (runs the revocation listener; what it throws is logged, not thrown).
  void close();
  [[nodiscard]] std::vector<TopicPartition> assignment() const;
  // Messages behind the high watermark per assigned partition, from librdkafka's cached
  // watermarks (no broker round trip); partitions with no position or watermark yet are left
  // out.
  [[nodiscard]] std::map<std::int32_t, std::int64_t> lag() const;

 private:
  static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                           rd_kafka_topic_partition_list_t* parts, void* opaque);
  // What the listener threw inside the rebalance callback (it cannot cross librdkafka's C
  // frames): rethrown on the owner's thread once the poll has returned.
  void rethrow_listener_failure();
  rd_kafka_t* rk_ = nullptr;
  std::exception_ptr listener_failure_;
  RebalanceListener* listener_;
  bool closed_ = false;
};

}  // namespace enroll::kafka
