#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

namespace enroll::test {

// The shared Kafka and Redis that `ops/services start DIR` runs for the `services` ctest
// fixture (Apache Kafka), or for the `devbroker` fixture (the mock dev broker, for the tests
// that inject faults a real broker cannot); ctest passes DIR in $ENROLL_TEST_SERVICES. Tests
// share these servers, so each test works in its own topics and keys (see unique_name()).
//
// Immutable after construction; safe to share between threads.
class TestServices {
 public:
  // Reads $ENROLL_TEST_SERVICES; if $ENROLL_TEST_KAFKA_CLUSTER is set too (a test registered
  // with KAFKA_CLUSTER), Kafka is that 3-node cluster instead (see use_kafka). Throws
  // std::runtime_error naming what is missing if the variable is unset or the directory lacks
  // the files ops/services writes.
  TestServices();
  explicit TestServices(const std::filesystem::path& dir);

  // Kafka bootstrap list, e.g. "127.0.0.1:40001,127.0.0.1:40002,127.0.0.1:40003".
  const std::string& brokers() const { return brokers_; }
  // "redis://enroll:PASSWORD@127.0.0.1:PORT/0" (an ACL user, see ops/redis/start), and the
  // server's address.
  const std::string& redis_url() const { return redis_url_; }
  const std::string& redis_host() const { return redis_host_; }
  int redis_port() const { return redis_port_; }
  // The dev broker's control port; 0 on Apache Kafka.
  std::uint16_t control_port() const { return control_port_; }
  // Whether Kafka is the mock dev broker (DIR/control exists) rather than Apache Kafka.
  bool devbroker() const { return control_port_ != 0; }

  // From now on, Kafka is the Apache Kafka that `ops/kafka/start DIR` runs (DIR/brokers), e.g.
  // the 3-node cluster of the `kafka_cluster` fixture; Redis stays. Throws std::runtime_error
  // if DIR/brokers cannot be read.
  void use_kafka(const std::filesystem::path& dir);

  // Sends one request to the dev broker's control port and returns its reply line ("ok",
  // "ok <data>" or "error <message>"), without the newline. Throws std::runtime_error if the
  // broker cannot be reached or does not answer within 10 s, or on Apache Kafka.
  std::string control(std::string_view command) const;

  // How the inbox of a topic set stamps its records: LogAppendTime (the broker's clock, the
  // production setting), or CreateTime (the producer's: only for a replay that must keep the
  // stamps of the records it copies, like the fault suite's reference run).
  enum class InboxTime { log_append, create };
  // Creates the seven contract topics for `prefix` (e.g. unique_name("relay") + ".") with
  // `partitions` each. On Apache Kafka through the Admin API with the production settings of
  // ops/kafka/topics.tsv (retention, LogAppendTime on the inbox unless `inbox_time` says
  // otherwise), replication factor min(3, brokers) and min.insync.replicas=2 at 3; returns
  // once every broker's metadata lists them. On the dev broker through its control port (it
  // has no topic configs: its timestamps are always the producer's). Throws
  // std::runtime_error naming the failure.
  void create_topic_set(std::string_view prefix, int partitions = 12,
                        InboxTime inbox_time = InboxTime::log_append) const;

 private:
  std::string brokers_;
  std::string redis_url_;
  std::string redis_host_;
  int redis_port_ = 0;
  std::uint16_t control_port_ = 0;
};

// Creates the seven contract topics for `prefix` on the Apache Kafka at `brokers` (see
// TestServices::create_topic_set).
void create_kafka_topic_set(const std::string& brokers, std::string_view prefix, int partitions,
                            TestServices::InboxTime inbox_time);
// The same through a client of these librdkafka properties (bootstrap.servers and, on a
// secured cluster, the super user's SASL settings: kafka::client_settings).
void create_kafka_topic_set(const std::map<std::string, std::string>& client,
                            std::string_view prefix, int partitions,
                            TestServices::InboxTime inbox_time);

// `stem` + "-" + pid + "-" + 8 random hex digits, lowered and with every character other
// than [a-z0-9.-] replaced by '-': unique per call and safe as a topic, group or Redis key
// prefix.
std::string unique_name(std::string_view stem);

}  // namespace enroll::test
