#pragma once
// librdkafka configuration built from key/value pairs, with a typed error on a bad setting.
#include <librdkafka/rdkafka.h>

#include <map>
#include <stdexcept>
#include <string>

namespace enroll::kafka {

// A Kafka error the caller must handle; retryable() says whether trying again can help.
class KafkaError : public std::runtime_error {
 public:
  KafkaError(const std::string& what, bool retryable)
      : std::runtime_error(what), retryable_(retryable) {}
  [[nodiscard]] bool retryable() const noexcept { return retryable_; }

 private:
  bool retryable_;
};

using Settings = std::map<std::string, std::string>;

// Returns a new rd_kafka_conf_t with every setting applied; throws KafkaError otherwise.
rd_kafka_conf_t* make_conf(const Settings& settings);

}  // namespace enroll::kafka
