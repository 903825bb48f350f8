#include "tests/support/kafka_probe.hpp"

#include <librdkafka/rdkafka.h>

#include <array>
#include <map>
#include <memory>
#include <stdexcept>
#include <thread>

#include "tests/support/services.hpp"

namespace enroll::test {
namespace {

using namespace std::chrono_literals;

int ms(std::chrono::milliseconds d) { return static_cast<int>(d.count()); }

rd_kafka_conf_t* make_conf(const std::string& brokers,
                           const std::map<std::string, std::string>& properties) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  std::array<char, 512> errstr{};
  std::map<std::string, std::string> all = {
      {"bootstrap.servers", brokers},
      // Fault-injection tests disconnect brokers on purpose; keep the log to real problems.
      {"log.connection.close", "false"},
  };
  for (const auto& [name, value] : properties) all[name] = value;
  for (const auto& [name, value] : all) {
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), errstr.data(), errstr.size()) !=
        RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      throw std::runtime_error(std::string("librdkafka config ")
                                   .append(name)
                                   .append("=")
                                   .append(value)
                                   .append(": ")
                                   .append(errstr.data()));
    }
  }
  return conf;
}

rd_kafka_t* make_client(rd_kafka_type_t type, rd_kafka_conf_t* conf) {
  std::array<char, 512> errstr{};
  rd_kafka_t* rk = rd_kafka_new(type, conf, errstr.data(), errstr.size());
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    throw std::runtime_error(std::string("cannot create a Kafka client: ") + errstr.data());
  }
  return rk;
}

// A consumer that reads by manual assignment: the group id only satisfies librdkafka.
rd_kafka_t* make_reader(const std::string& brokers) {
  return make_client(RD_KAFKA_CONSUMER, make_conf(brokers, {{"group.id", unique_name("reader")},
                                                            {"enable.auto.commit", "false"},
                                                            {"enable.partition.eof", "false"},
                                                            {"auto.offset.reset", "earliest"}}));
}

// Partition count of `topic` as `rk` sees it; retries until the topic and all its
// partition leaders are known.
int wait_partition_count(rd_kafka_t* rk, const std::string& topic,
                         std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_ptr<rd_kafka_topic_t, decltype(&rd_kafka_topic_destroy)> handle(
      rd_kafka_topic_new(rk, topic.c_str(), nullptr), &rd_kafka_topic_destroy);
  std::string last_error = "no answer";
  while (std::chrono::steady_clock::now() < deadline) {
    const rd_kafka_metadata_t* md = nullptr;
    const rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, handle.get(), &md, 2000);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      last_error = rd_kafka_err2name(err);
    } else {
      std::unique_ptr<const rd_kafka_metadata_t, decltype(&rd_kafka_metadata_destroy)> owned(
          md, &rd_kafka_metadata_destroy);
      if (md->topic_cnt == 1 && md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR &&
          md->topics[0].partition_cnt > 0) {
        return md->topics[0].partition_cnt;
      }
      last_error = md->topic_cnt == 1 ? rd_kafka_err2name(md->topics[0].err) : "no topic";
    }
    std::this_thread::sleep_for(100ms);
  }
  throw std::runtime_error("no metadata for topic " + topic + ": " + last_error);
}

}  // namespace

TestProducer::TestProducer(const std::string& brokers,
                           const std::map<std::string, std::string>& config) {
  std::map<std::string, std::string> properties = {{"enable.idempotence", "true"},
                                                   {"linger.ms", "1"}};
  for (const auto& [name, value] : config) properties[name] = value;
  rd_kafka_conf_t* conf = make_conf(brokers, properties);
  rd_kafka_conf_set_opaque(conf, this);
  rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t* rk, const rd_kafka_message_t* m, void* opaque) {
    on_delivery(rk, m, opaque);
  });
  rk_ = make_client(RD_KAFKA_PRODUCER, conf);
}

TestProducer::~TestProducer() {
  rd_kafka_flush(rk_, 1000);
  rd_kafka_destroy(rk_);
}

void TestProducer::on_delivery(rd_kafka_s* /*rk*/, const void* message, void* opaque) {
  const auto* m = static_cast<const rd_kafka_message_t*>(message);
  auto* self = static_cast<TestProducer*>(opaque);
  if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR && self->first_error_.empty()) {
    self->first_error_ = std::string("delivery to ") + rd_kafka_topic_name(m->rkt) +
                         " failed: " + rd_kafka_err2name(m->err) + ": " + rd_kafka_err2str(m->err);
  }
}

void TestProducer::send(const std::string& topic, std::string_view key, std::string_view value) {
  for (;;) {
    const rd_kafka_resp_err_t err =
        rd_kafka_producev(rk_, RD_KAFKA_V_TOPIC(topic.c_str()),
                          RD_KAFKA_V_KEY(const_cast<char*>(key.data()), key.size()),
                          RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      throw std::runtime_error("produce to " + topic + ": " + rd_kafka_err2name(err));
    }
    rd_kafka_poll(rk_, 100);  // make room: serve delivery reports
  }
}

void TestProducer::copy(const std::string& topic, const KafkaMessage& m) {
  for (;;) {
    const rd_kafka_resp_err_t err =
        rd_kafka_producev(rk_, RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(m.partition),
                          RD_KAFKA_V_KEY(const_cast<char*>(m.key.data()), m.key.size()),
                          RD_KAFKA_V_VALUE(const_cast<char*>(m.value.data()), m.value.size()),
                          RD_KAFKA_V_TIMESTAMP(m.timestamp_ms),
                          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      throw std::runtime_error("produce to " + topic + ": " + rd_kafka_err2name(err));
    }
    rd_kafka_poll(rk_, 100);
  }
}

void TestProducer::poll() {
  rd_kafka_poll(rk_, 0);
  if (!first_error_.empty()) {
    std::string error;
    std::swap(error, first_error_);
    throw std::runtime_error(error);
  }
}

void TestProducer::flush(std::chrono::milliseconds timeout) {
  const rd_kafka_resp_err_t err = rd_kafka_flush(rk_, ms(timeout));
  if (!first_error_.empty()) {
    std::string error;
    std::swap(error, first_error_);
    throw std::runtime_error(error);
  }
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw std::runtime_error(std::to_string(rd_kafka_outq_len(rk_)) +
                             " message(s) still undelivered after " +
                             std::to_string(timeout.count()) + " ms");
  }
}

void produce(const std::string& brokers, const std::string& topic, std::string_view key,
             std::string_view value, std::chrono::milliseconds timeout) {
  TestProducer producer(brokers);
  producer.send(topic, key, value);
  producer.flush(timeout);
}

int partition_count(const std::string& brokers, const std::string& topic,
                    std::chrono::milliseconds timeout) {
  std::unique_ptr<rd_kafka_t, decltype(&rd_kafka_destroy)> rk(make_reader(brokers),
                                                              &rd_kafka_destroy);
  return wait_partition_count(rk.get(), topic, timeout);
}

std::vector<std::int64_t> group_committed(const std::string& brokers, const std::string& group,
                                          const std::string& topic, int partitions,
                                          std::chrono::milliseconds timeout) {
  std::unique_ptr<rd_kafka_t, decltype(&rd_kafka_destroy)> rk(
      make_client(RD_KAFKA_CONSUMER,
                  make_conf(brokers, {{"group.id", group}, {"enable.auto.commit", "false"}})),
      &rd_kafka_destroy);
  std::unique_ptr<rd_kafka_topic_partition_list_t, decltype(&rd_kafka_topic_partition_list_destroy)>
      list(rd_kafka_topic_partition_list_new(partitions), &rd_kafka_topic_partition_list_destroy);
  for (int p = 0; p < partitions; ++p)
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p);
  const rd_kafka_resp_err_t err =
      rd_kafka_committed(rk.get(), list.get(), static_cast<int>(timeout.count()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw std::runtime_error(std::string("committed offsets: ") + rd_kafka_err2name(err));
  }
  std::vector<std::int64_t> out(static_cast<std::size_t>(partitions), -1);
  for (int i = 0; i < list->cnt; ++i) {
    const auto& tp = list->elems[i];
    if (tp.err == RD_KAFKA_RESP_ERR_NO_ERROR && tp.offset >= 0) {
      out.at(static_cast<std::size_t>(tp.partition)) = tp.offset;
    }
  }
  return out;
}

TopicReader::TopicReader(const std::string& brokers, const std::vector<std::string>& topics,
                         std::chrono::milliseconds metadata_timeout)
    : rk_(make_reader(brokers)), topics_(topics) {
  try {
    std::unique_ptr<rd_kafka_topic_partition_list_t,
                    decltype(&rd_kafka_topic_partition_list_destroy)>
        assignment(rd_kafka_topic_partition_list_new(0), &rd_kafka_topic_partition_list_destroy);
    for (const std::string& topic : topics) {
      const int partitions = wait_partition_count(rk_, topic, metadata_timeout);
      for (int p = 0; p < partitions; ++p) {
        rd_kafka_topic_partition_list_add(assignment.get(), topic.c_str(), p)->offset =
            RD_KAFKA_OFFSET_BEGINNING;
      }
    }
    const rd_kafka_resp_err_t err = rd_kafka_assign(rk_, assignment.get());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw std::runtime_error(std::string("assign: ") + rd_kafka_err2name(err));
    }
  } catch (...) {
    rd_kafka_destroy(rk_);
    throw;
  }
}

TopicReader::~TopicReader() {
  rd_kafka_assign(rk_, nullptr);
  rd_kafka_consumer_close(rk_);
  rd_kafka_destroy(rk_);
}

void TopicReader::read_to_end(std::chrono::milliseconds timeout) {
  std::map<std::pair<std::string, std::int32_t>, std::int64_t> ends;
  // Every partition's end in one request per broker (offsets for the time "latest"), not a
  // watermark query per partition: a reader of 6 topics of 12 partitions waited ~20 s for those.
  std::unique_ptr<rd_kafka_topic_partition_list_t, decltype(&rd_kafka_topic_partition_list_destroy)>
      list(rd_kafka_topic_partition_list_new(0), &rd_kafka_topic_partition_list_destroy);
  for (const auto& topic : topics_) {
    const int partitions = wait_partition_count(rk_, topic, timeout);
    for (int p = 0; p < partitions; ++p) {
      rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset = RD_KAFKA_OFFSET_END;
    }
  }
  const auto err = rd_kafka_offsets_for_times(rk_, list.get(), static_cast<int>(ms(timeout)));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw std::runtime_error(std::string("end offsets: ") + rd_kafka_err2name(err));
  }
  for (int i = 0; i < list->cnt; ++i) {
    const auto& tp = list->elems[i];
    if (tp.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      throw std::runtime_error(std::string("end offset of ") + tp.topic + ": " +
                               rd_kafka_err2name(tp.err));
    }
    if (tp.offset > 0) ends[{tp.topic, tp.partition}] = tp.offset;
  }
  std::size_t seen = 0;  // the predicate looks at each message once
  const bool done = poll_until(
      [&](const std::vector<KafkaMessage>& all) {
        for (; seen < all.size(); ++seen) {
          const auto it = ends.find({all[seen].topic, all[seen].partition});
          if (it != ends.end() && all[seen].offset + 1 >= it->second) ends.erase(it);
        }
        return ends.empty();
      },
      timeout);
  if (!done) throw std::runtime_error("read_to_end: the ends were not reached in time");
}

bool TopicReader::poll_until(const Predicate& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done(messages_)) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left <= 0ms) return false;
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_, ms(std::min(left, 100ms)));
    if (m == nullptr) continue;
    std::unique_ptr<rd_kafka_message_t, decltype(&rd_kafka_message_destroy)> owned(
        m, &rd_kafka_message_destroy);
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      // Transient errors (a broker down on purpose) are retried by librdkafka; only a fatal
      // one ends the test.
      if (m->err == RD_KAFKA_RESP_ERR__FATAL) {
        throw std::runtime_error(std::string("consumer: ") + rd_kafka_message_errstr(m));
      }
      continue;
    }
    messages_.push_back(KafkaMessage{
        .topic = rd_kafka_topic_name(m->rkt),
        .partition = m->partition,
        .offset = m->offset,
        .key = m->key ? std::string(static_cast<const char*>(m->key), m->key_len) : std::string(),
        .value =
            m->payload ? std::string(static_cast<const char*>(m->payload), m->len) : std::string(),
        .timestamp_ms = rd_kafka_message_timestamp(m, nullptr),
    });
  }
  return true;
}

}  // namespace enroll::test
