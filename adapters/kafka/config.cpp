#include "adapters/kafka/config.hpp"

#include <array>

namespace enroll::kafka {

rd_kafka_conf_t* make_conf(const Settings& settings) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  std::array<char, 512> err{};
  for (const auto& [key, value] : settings) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err.data(), err.size()) !=
        RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      throw KafkaError("kafka setting " + key + ": " + err.data(), false);
    }
  }
  return conf;
}

}  // namespace enroll::kafka
