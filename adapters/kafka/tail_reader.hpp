#pragma once
// Reads every partition of one topic from its end at construction time on, without a
// consumer group: for a client that only cares about what happens after it starts (the
// citizen simulator waiting for the events its own commands cause).
//
// Owner: one thread calls poll_batch().
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <string>
#include <vector>

#include "adapters/kafka/consumer.hpp"

namespace enroll::kafka {

class TailReader {
 public:
  TailReader(Settings settings, const std::string& topic);  // throws KafkaError
  ~TailReader();
  TailReader(const TailReader&) = delete;
  TailReader& operator=(const TailReader&) = delete;
  std::vector<Message> poll_batch(std::size_t max, std::chrono::milliseconds timeout);

 private:
  rd_kafka_t* rk_ = nullptr;
};

}  // namespace enroll::kafka
