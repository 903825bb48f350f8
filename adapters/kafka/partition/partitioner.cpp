#include "adapters/kafka/partition/partitioner.hpp"

#include <librdkafka/rdkafka.h>

#include <stdexcept>

#include "errors/errc.hpp"

namespace enroll::kafka {

std::int32_t partition_for(std::string_view key, std::int32_t partition_count) {
  if (partition_count <= 0) throw Error(Errc::bad_setting, "partition count must be positive");
  // The very function the producer's murmur2_random partitioner calls for a non-empty key;
  // it uses neither the topic handle nor the opaques.
  return rd_kafka_msg_partitioner_murmur2(nullptr, key.data(), key.size(), partition_count, nullptr,
                                          nullptr);
}

}  // namespace enroll::kafka
