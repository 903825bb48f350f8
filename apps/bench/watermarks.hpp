#pragma once
// How many messages a topic has ever received: the sum of its partitions' high watermarks
// (retention moves the low watermark, never the high one). The difference between two
// readings is what was produced in between.
#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace enroll::bench {

// The topic's partition count. Throws kafka::KafkaError if the metadata cannot be read within
// `timeout`.
int partition_count(rd_kafka_t* rk, const std::string& topic,
                    std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Throws kafka::KafkaError if the metadata or a watermark cannot be read within `timeout`.
std::int64_t produced_so_far(rd_kafka_t* rk, const std::string& topic,
                             std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace enroll::bench
