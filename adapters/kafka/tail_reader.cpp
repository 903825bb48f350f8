#include "adapters/kafka/tail_reader.hpp"

#include <array>

namespace enroll::kafka {

TailReader::TailReader(Settings settings, const std::string& topic) {
  settings.try_emplace("group.id", "tail-reader");  // required by the API, never joined
  settings.try_emplace("enable.auto.commit", "false");
  settings.try_emplace("enable.partition.eof", "false");
  // A broker holds an empty fetch this long; short, since every hop of a registration
  // waits on a fetch (Apache Kafka answers early when data arrives, the mock does not).
  settings.try_emplace("fetch.wait.max.ms", "20");
  rd_kafka_conf_t* conf = make_conf(settings);
  std::array<char, 512> err{};
  rk_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err.data(), err.size());
  if (rk_ == nullptr) {
    rd_kafka_conf_destroy(conf);
    throw KafkaError(std::string("kafka tail reader: ") + err.data(), false);
  }
  rd_kafka_poll_set_consumer(rk_);
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk_, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* md = nullptr;
  const auto e = rd_kafka_metadata(rk_, 0, rkt, &md, 10000);
  rd_kafka_topic_destroy(rkt);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR || md->topic_cnt != 1 || md->topics[0].partition_cnt == 0) {
    if (md != nullptr) rd_kafka_metadata_destroy(md);
    rd_kafka_destroy(rk_);
    throw KafkaError("kafka: no metadata for topic " + topic, true);
  }
  const int partitions = md->topics[0].partition_cnt;
  rd_kafka_metadata_destroy(md);
  rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; ++p) {
    int64_t low = 0, high = 0;
    if (rd_kafka_query_watermark_offsets(rk_, topic.c_str(), p, &low, &high, 10000) !=
        RD_KAFKA_RESP_ERR_NO_ERROR) {
      rd_kafka_topic_partition_list_destroy(list);
      rd_kafka_destroy(rk_);
      throw KafkaError("kafka: cannot read the end of " + topic, true);
    }
    rd_kafka_topic_partition_list_add(list, topic.c_str(), p)->offset = high;
  }
  rd_kafka_assign(rk_, list);
  rd_kafka_topic_partition_list_destroy(list);
}

TailReader::~TailReader() {
  rd_kafka_consumer_close(rk_);
  rd_kafka_destroy(rk_);
}

std::vector<Message> TailReader::poll_batch(std::size_t max, std::chrono::milliseconds timeout) {
  std::vector<Message> out;
  int wait = static_cast<int>(timeout.count());
  while (out.size() < max) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_, wait);
    if (m == nullptr) break;
    wait = 0;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) out.push_back(copy_message(m));
    rd_kafka_message_destroy(m);
  }
  return out;
}

}  // namespace enroll::kafka
