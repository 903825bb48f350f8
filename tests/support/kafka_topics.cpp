// A test's topic set on Apache Kafka: the contract's topics with their production settings
// (ops/kafka/topics.tsv), created through librdkafka's Admin API in one request (one JVM per
// topic, as ops/kafka/topics does, would cost seconds per test).
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "tests/support/kafka_probe.hpp"
#include "tests/support/services.hpp"

namespace enroll::test {
namespace {

struct TopicSpec {
  std::string name;  // after the prefix
  std::string retention_ms;
  std::vector<std::pair<std::string, std::string>> extra;
};

// ops/kafka/topics.tsv: name, partitions (the test chooses its own), retention.ms, extra
// configs (k=v,...; - for none).
std::vector<TopicSpec> production_topics() {
  const std::string file = std::string(ENROLL_SOURCE_DIR) + "/ops/kafka/topics.tsv";
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + file);
  std::vector<TopicSpec> out;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    TopicSpec spec;
    std::string partitions, extra;
    if (!(fields >> spec.name) || spec.name.front() == '#') continue;
    if (!(fields >> partitions >> spec.retention_ms >> extra)) {
      throw std::runtime_error(std::string("bad line in ").append(file).append(": ").append(line));
    }
    if (extra != "-") {
      std::istringstream configs(extra);
      std::string config;
      while (std::getline(configs, config, ',')) {
        const auto eq = config.find('=');
        if (eq == std::string::npos)
          throw std::runtime_error(
              std::string("bad config in ").append(file).append(": ").append(config));
        spec.extra.emplace_back(config.substr(0, eq), config.substr(eq + 1));
      }
    }
    out.push_back(std::move(spec));
  }
  if (out.size() != 7) throw std::runtime_error(file + " does not list the seven topics");
  return out;
}

rd_kafka_t* make_admin(const std::map<std::string, std::string>& client) {
  std::array<char, 512> err{};
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  for (const auto& [key, value] : client) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), err.data(), err.size()) !=
        RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      throw std::runtime_error("Kafka admin client: " + key + ": " + err.data());
    }
  }
  rd_kafka_conf_set(conf, "log.connection.close", "false", err.data(), err.size());
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err.data(), err.size());
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    throw std::runtime_error(std::string("cannot create a Kafka admin client: ") + err.data());
  }
  return rk;
}

// The brokers the cluster's metadata lists (ops/kafka/start waits until every one is).
int broker_count(rd_kafka_t* rk) {
  const rd_kafka_metadata_t* md = nullptr;
  const rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, nullptr, &md, 10000);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw std::runtime_error(std::string("Kafka metadata: ") + rd_kafka_err2str(err));
  }
  const int n = md->broker_cnt;
  rd_kafka_metadata_destroy(md);
  return n;
}

// One metadata request for `topic` on `rk`, which updates rk's metadata cache; errors are
// left to the caller's next try.
void refresh_metadata(rd_kafka_t* rk, const std::string& topic) {
  std::unique_ptr<rd_kafka_topic_t, decltype(&rd_kafka_topic_destroy)> handle(
      rd_kafka_topic_new(rk, topic.c_str(), nullptr), &rd_kafka_topic_destroy);
  if (!handle) return;
  const rd_kafka_metadata_t* md = nullptr;
  if (rd_kafka_metadata(rk, 0, handle.get(), &md, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    rd_kafka_metadata_destroy(md);
  }
}

}  // namespace

void create_kafka_topic_set(const std::string& brokers, std::string_view prefix, int partitions,
                            TestServices::InboxTime inbox_time) {
  create_kafka_topic_set(std::map<std::string, std::string>{{"bootstrap.servers", brokers}}, prefix,
                         partitions, inbox_time);
}

void create_kafka_topic_set(const std::map<std::string, std::string>& client,
                            std::string_view prefix, int partitions,
                            TestServices::InboxTime inbox_time) {
  const auto specs = production_topics();
  std::unique_ptr<rd_kafka_t, decltype(&rd_kafka_destroy)> admin(make_admin(client),
                                                                 &rd_kafka_destroy);
  const int replicas = std::min(3, broker_count(admin.get()));
  std::array<char, 512> err{};
  std::vector<rd_kafka_NewTopic_t*> topics;
  const auto destroy_topics = [&] {
    for (auto* t : topics) rd_kafka_NewTopic_destroy(t);
  };
  for (const auto& spec : specs) {
    const std::string name = std::string(prefix) + spec.name;
    rd_kafka_NewTopic_t* t =
        rd_kafka_NewTopic_new(name.c_str(), partitions, replicas, err.data(), err.size());
    if (t == nullptr) {
      destroy_topics();
      throw std::runtime_error("topic " + name + ": " + err.data());
    }
    topics.push_back(t);
    rd_kafka_NewTopic_set_config(t, "retention.ms", spec.retention_ms.c_str());
    if (replicas >= 3) rd_kafka_NewTopic_set_config(t, "min.insync.replicas", "2");
    for (const auto& [key, value] : spec.extra) {
      if (key == "message.timestamp.type" && inbox_time == TestServices::InboxTime::create) {
        rd_kafka_NewTopic_set_config(t, key.c_str(), "CreateTime");
      } else {
        rd_kafka_NewTopic_set_config(t, key.c_str(), value.c_str());
      }
    }
  }
  std::unique_ptr<rd_kafka_queue_t, decltype(&rd_kafka_queue_destroy)> queue(
      rd_kafka_queue_new(admin.get()), &rd_kafka_queue_destroy);
  std::unique_ptr<rd_kafka_AdminOptions_t, decltype(&rd_kafka_AdminOptions_destroy)> options(
      rd_kafka_AdminOptions_new(admin.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS),
      &rd_kafka_AdminOptions_destroy);
  // The controller answers once the topics exist (not only once it accepted the request).
  rd_kafka_AdminOptions_set_operation_timeout(options.get(), 30000, err.data(), err.size());
  rd_kafka_AdminOptions_set_request_timeout(options.get(), 40000, err.data(), err.size());
  rd_kafka_CreateTopics(admin.get(), topics.data(), topics.size(), options.get(), queue.get());
  destroy_topics();

  std::string failure;
  for (;;) {
    rd_kafka_event_t* ev = rd_kafka_queue_poll(queue.get(), 60000);
    if (ev == nullptr) throw std::runtime_error("CreateTopics: no answer within 60 s");
    if (rd_kafka_event_type(ev) != RD_KAFKA_EVENT_CREATETOPICS_RESULT) {
      rd_kafka_event_destroy(ev);
      continue;
    }
    if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      failure = rd_kafka_event_error_string(ev);
    } else {
      std::size_t n = 0;
      const rd_kafka_topic_result_t** results =
          rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
      for (std::size_t i = 0; i < n && failure.empty(); ++i) {
        if (rd_kafka_topic_result_error(results[i]) != RD_KAFKA_RESP_ERR_NO_ERROR) {
          failure = std::string(rd_kafka_topic_result_name(results[i])) + ": " +
                    rd_kafka_topic_result_error_string(results[i]);
        }
      }
    }
    rd_kafka_event_destroy(ev);
    break;
  }
  if (!failure.empty()) throw std::runtime_error("CreateTopics: " + failure);
  // Every client of the test sees them, with their leaders, before it starts; and every
  // partition's leader serves it (ListOffsets answers). A produce to a partition its leader
  // has not created yet fails (NOT_LEADER_OR_FOLLOWER) while a later batch of the same
  // idempotent producer may land first; the retries of the first then fail as out of order
  // and its records are lost (KAFKA-15591, seen here as a registration.start missing from
  // poison_test's inbox). Production topics are created long before use; tests must wait.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (const auto& spec : specs) {
    const std::string topic = std::string(prefix) + spec.name;
    // A plaintext cluster: a client of its own sees them too (a secured one's admin handle
    // asks below, with its credentials).
    if (client.size() == 1) partition_count(client.at("bootstrap.servers"), topic);
    for (int p = 0; p < partitions; ++p) {
      std::int64_t low = 0, high = 0;
      rd_kafka_resp_err_t served = RD_KAFKA_RESP_ERR_NO_ERROR;
      while ((served = rd_kafka_query_watermark_offsets(admin.get(), topic.c_str(), p, &low, &high,
                                                        5000)) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (std::chrono::steady_clock::now() > deadline) {
          throw std::runtime_error("topic " + topic + " partition " + std::to_string(p) +
                                   " not served within 60 s: " + rd_kafka_err2name(served));
        }
        if (served == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION ||
            served == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC) {
          // The admin handle's own metadata cache does not list the new topic yet and may not
          // ask for it by itself (seen once after a rolling restart of the 3-node cluster: 60 s
          // of _UNKNOWN_PARTITION): ask for this topic's metadata, which refreshes the cache.
          refresh_metadata(admin.get(), topic);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
  }
}

}  // namespace enroll::test
