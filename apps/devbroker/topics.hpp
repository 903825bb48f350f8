#pragma once

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <string>
#include <string_view>
#include <vector>

namespace enroll::devbroker {

// The contract's topics for one prefix: inbox, events, requests.{capture,registry,officer},
// audit, dlq.
std::vector<std::string> contract_topics(std::string_view prefix);

// Kafka's legal topic names: 1..249 characters of [a-zA-Z0-9._-].
bool valid_topic_name(std::string_view name);

// Replication factor for new topics: 3, or fewer on a smaller cluster.
int replication_factor(int brokers);

// Creates one topic with rd_kafka_mock_topic_create (the only way to get more than the mock's
// default 4 partitions). Returns "" on success, else a human-readable reason.
std::string create_topic(rd_kafka_mock_cluster_t* cluster, const std::string& name, int partitions,
                         int brokers);

}  // namespace enroll::devbroker
