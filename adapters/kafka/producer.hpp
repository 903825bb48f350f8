#pragma once
// An idempotent Kafka producer. Owner: one thread calls produce() and poll(); delivery
// reports are handed to the callback from poll() on that same thread.
#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "adapters/kafka/config.hpp"

namespace enroll::kafka {

struct Delivery {
  std::uint64_t token;  // what the caller passed to produce()
  rd_kafka_resp_err_t error;
  std::int32_t partition;
  std::int64_t offset;
};

class Producer {
 public:
  using DeliveryCallback = std::function<void(const Delivery&)>;

  // `settings` must hold bootstrap.servers; idempotence and murmur2 partitioning are added
  // (murmur2 so that keys land where Java clients put them).
  Producer(Settings settings, DeliveryCallback on_delivery);
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Queues a message; blocks (serving poll) while the local queue is full. Throws
  // KafkaError if librdkafka refuses it (too large, unknown topic, ...).
  void produce(const std::string& topic, std::string_view key, std::string_view value,
               std::uint64_t token = 0);
  // The same, returning librdkafka's refusal instead of throwing (NO_ERROR once queued).
  [[nodiscard]] rd_kafka_resp_err_t try_produce(const std::string& topic, std::string_view key,
                                                std::string_view value, std::uint64_t token = 0);
  // Serves delivery reports; returns the number of events served.
  int poll(int timeout_ms = 0);
  // Waits until every queued message is delivered or failed; false on timeout.
  bool flush(int timeout_ms);
  [[nodiscard]] int in_flight() const;
  rd_kafka_t* handle() { return rk_; }

 private:
  static void on_delivery_report(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque);
  rd_kafka_t* rk_ = nullptr;
  DeliveryCallback on_delivery_;
};

}  // namespace enroll::kafka
