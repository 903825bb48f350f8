#pragma once
// Where a key lives: the partition the producers of this project (and Java clients) put it
// in. State is kept per inbox partition, so readers of that state (the HTTP API) find a
// registration's keys with this.
#include <cstdint>
#include <string_view>

namespace enroll::kafka {

// librdkafka's murmur2 partitioner (Java compatible: (murmur2(key) & 0x7fffffff) % count).
// `partition_count` must be positive.
std::int32_t partition_for(std::string_view key, std::int32_t partition_count);

}  // namespace enroll::kafka
