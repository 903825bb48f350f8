#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

struct rd_kafka_s;

namespace enroll::test {

// Small Kafka clients for tests: put messages in, see what came out. They throw
// std::runtime_error on failure, which fails the calling test with the reason.

struct KafkaMessage {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::string key;
  std::string value;
  std::int64_t timestamp_ms = 0;  // LogAppendTime or CreateTime: enrollmentd's clock for it
};

// An idempotent producer (acks=all, retries), so injected broker errors are retried rather
// than failing the test. Not thread-safe.
class TestProducer {
 public:
  // `config` adds or overrides librdkafka properties.
  explicit TestProducer(const std::string& brokers,
                        const std::map<std::string, std::string>& config = {});
  ~TestProducer();
  TestProducer(const TestProducer&) = delete;
  TestProducer& operator=(const TestProducer&) = delete;

  // Queues one message; the key picks the partition (librdkafka's default partitioner).
  void send(const std::string& topic, std::string_view key, std::string_view value);
  // Queues a copy of `m` into `topic`, same partition, key, value and timestamp (a replay).
  void copy(const std::string& topic, const KafkaMessage& m);
  // Waits until every queued message is delivered; throws naming the first failure.
  void flush(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Serves delivery reports without waiting; throws naming the first failure.
  void poll();

 private:
  static void on_delivery(rd_kafka_s* rk, const void* message, void* opaque);

  rd_kafka_s* rk_ = nullptr;
  std::string first_error_;
};

// Produces one message and waits for its delivery.
void produce(const std::string& brokers, const std::string& topic, std::string_view key,
             std::string_view value, std::chrono::milliseconds timeout = std::chrono::seconds(10));

// The topic's partition count from the cluster's metadata; waits for the topic to appear
// (never creates it).
int partition_count(const std::string& brokers, const std::string& topic,
                    std::chrono::milliseconds timeout = std::chrono::seconds(10));

// The offsets consumer group `group` has committed for partitions 0..partitions-1 of `topic`
// (what standard lag tools show); -1 for a partition without one. Does not join the group.
std::vector<std::int64_t> group_committed(
    const std::string& brokers, const std::string& group, const std::string& topic, int partitions,
    std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Reads topics from their beginning, every partition, without a consumer group (manual
// assignment, no commits), collecting what it reads. Not thread-safe.
class TopicReader {
 public:
  explicit TopicReader(const std::string& brokers, const std::vector<std::string>& topics,
                       std::chrono::milliseconds metadata_timeout = std::chrono::seconds(10));
  TopicReader(const std::string& brokers, const std::string& topic,
              std::chrono::milliseconds metadata_timeout = std::chrono::seconds(10))
      : TopicReader(brokers, std::vector<std::string>{topic}, metadata_timeout) {}
  ~TopicReader();
  TopicReader(const TopicReader&) = delete;
  TopicReader& operator=(const TopicReader&) = delete;

  using Predicate = std::function<bool(const std::vector<KafkaMessage>&)>;
  // Polls until `done(messages())` holds or `timeout` passes; returns whether it held.
  bool poll_until(const Predicate& done,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Reads until each partition reached its end as it was when called (high watermarks).
  void read_to_end(std::chrono::milliseconds timeout = std::chrono::seconds(60));
  // Everything read so far, in arrival order (ordered within each partition).
  const std::vector<KafkaMessage>& messages() const { return messages_; }

 private:
  rd_kafka_s* rk_ = nullptr;
  std::vector<std::string> topics_;
  std::vector<KafkaMessage> messages_;
};

}  // namespace enroll::test
