#include "apps/bench/watermarks.hpp"

#include "adapters/kafka/config.hpp"

namespace enroll::bench {

int partition_count(rd_kafka_t* rk, const std::string& topic, std::chrono::milliseconds timeout) {
  const int ms = static_cast<int>(timeout.count());
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  const auto err = rd_kafka_metadata(rk, 0, rkt, &md, ms);
  rd_kafka_topic_destroy(rkt);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR || md->topic_cnt != 1 ||
      md->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (md != nullptr) rd_kafka_metadata_destroy(md);
    throw kafka::KafkaError("kafka: no metadata for topic " + topic, true);
  }
  const int partitions = md->topics[0].partition_cnt;
  rd_kafka_metadata_destroy(md);
  return partitions;
}

std::int64_t produced_so_far(rd_kafka_t* rk, const std::string& topic,
                             std::chrono::milliseconds timeout) {
  const int ms = static_cast<int>(timeout.count());
  const int partitions = partition_count(rk, topic, timeout);
  std::int64_t total = 0;
  for (int p = 0; p < partitions; ++p) {
    int64_t low = 0, high = 0;
    if (rd_kafka_query_watermark_offsets(rk, topic.c_str(), p, &low, &high, ms) !=
        RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw kafka::KafkaError("kafka: cannot read the watermarks of " + topic, true);
    }
    total += high;
  }
  return total;
}

}  // namespace enroll::bench
