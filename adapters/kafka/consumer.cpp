#include "adapters/kafka/consumer.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <utility>

namespace enroll::kafka {
namespace {

std::vector<TopicPartition> to_vector(const rd_kafka_topic_partition_list_t* parts) {
  std::vector<TopicPartition> out;
  out.reserve(static_cast<std::size_t>(parts->cnt));
  for (int i = 0; i < parts->cnt; ++i) {
    out.push_back({parts->elems[i].topic, parts->elems[i].partition});
  }
  return out;
}

}  // namespace

Message copy_message(const rd_kafka_message_t* m) {
  Message msg;
  msg.topic = rd_kafka_topic_name(m->rkt);
  msg.partition = m->partition;
  msg.offset = m->offset;
  if (m->key != nullptr) msg.key.assign(static_cast<const char*>(m->key), m->key_len);
  if (m->payload != nullptr) msg.value.assign(static_cast<const char*>(m->payload), m->len);
  rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
  msg.timestamp_ms = rd_kafka_message_timestamp(m, &type);
  msg.timestamp_type = type == RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME ? TimestampType::log_append_time
                       : type == RD_KAFKA_TIMESTAMP_CREATE_TIME   ? TimestampType::create_time
                                                                  : TimestampType::none;
  return msg;
}

Consumer::Consumer(Settings settings, std::vector<std::string> topics, RebalanceListener* listener)
    : listener_(listener) {
  settings.try_emplace("enable.auto.commit", "false");
  settings.try_emplace("auto.offset.reset", "earliest");
  settings.try_emplace("enable.partition.eof", "false");
  // A broker holds an empty fetch this long; short, since every hop of a registration
  // waits on a fetch (Apache Kafka answers early when data arrives, the mock does not).
  settings.try_emplace("fetch.wait.max.ms", "20");
  rd_kafka_conf_t* conf = make_conf(settings);
  rd_kafka_conf_set_opaque(conf, this);
  rd_kafka_conf_set_rebalance_cb(conf, &Consumer::on_rebalance);
  std::array<char, 512> err{};
  rk_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err.data(), err.size());
  if (rk_ == nullptr) {
    rd_kafka_conf_destroy(conf);
    throw KafkaError(std::string("kafka consumer: ") + err.data(), false);
  }
  rd_kafka_poll_set_consumer(rk_);
  rd_kafka_topic_partition_list_t* subs =
      rd_kafka_topic_partition_list_new(static_cast<int>(topics.size()));
  for (const auto& t : topics) {
    rd_kafka_topic_partition_list_add(subs, t.c_str(), RD_KAFKA_PARTITION_UA);
  }
  const rd_kafka_resp_err_t e = rd_kafka_subscribe(rk_, subs);
  rd_kafka_topic_partition_list_destroy(subs);
  if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    rd_kafka_destroy(rk_);
    throw KafkaError(std::string("kafka subscribe: ") + rd_kafka_err2str(e), false);
  }
}

Consumer::~Consumer() {
  close();
  rd_kafka_destroy(rk_);
}

void Consumer::close() {
  if (closed_) return;
  closed_ = true;
  rd_kafka_consumer_close(rk_);
  if (listener_failure_) {
    // Leaving anyway: a failure of the revocation listener is only told.
    try {
      std::rethrow_exception(std::exchange(listener_failure_, nullptr));
    } catch (const std::exception& e) {
      spdlog::error("kafka consumer: revocation on close failed: {}", e.what());
    } catch (...) {
      spdlog::error("kafka consumer: revocation on close failed");
    }
  }
}

void Consumer::on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                            rd_kafka_topic_partition_list_t* parts, void* opaque) {
  // Called from C: whatever the listener throws is kept and rethrown after the poll.
  auto* self = static_cast<Consumer*>(opaque);
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    try {
      if (self->listener_ != nullptr) {
        const auto starts = self->listener_->on_assigned(to_vector(parts));
        for (int i = 0; i < parts->cnt; ++i) {
          const auto& start = starts.at(static_cast<std::size_t>(i));
          parts->elems[i].offset = start ? *start : RD_KAFKA_OFFSET_INVALID;
        }
      }
      rd_kafka_assign(rk, parts);
    } catch (...) {
      // Not claimed: nothing of these partitions is read here.
      self->listener_failure_ = std::current_exception();
      rd_kafka_assign(rk, nullptr);
    }
  } else {
    try {
      if (self->listener_ != nullptr) self->listener_->on_revoked(to_vector(parts));
    } catch (...) {
      self->listener_failure_ = std::current_exception();
    }
    rd_kafka_assign(rk, nullptr);
  }
}

void Consumer::rethrow_listener_failure() {
  if (listener_failure_) std::rethrow_exception(std::exchange(listener_failure_, nullptr));
}

std::vector<Message> Consumer::poll_batch(std::size_t max, std::chrono::milliseconds timeout) {
  std::vector<Message> out;
  int wait = static_cast<int>(timeout.count());
  while (out.size() < max) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk_, wait);
    if (listener_failure_) {
      if (m != nullptr) rd_kafka_message_destroy(m);
      rethrow_listener_failure();
    }
    if (m == nullptr) break;
    wait = 0;  // only the first message is waited for
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      spdlog::warn("kafka consumer: {}", rd_kafka_message_errstr(m));
      rd_kafka_message_destroy(m);
      continue;
    }
    out.push_back(copy_message(m));
    rd_kafka_message_destroy(m);
  }
  return out;
}

void Consumer::commit_async(
    const std::vector<std::pair<TopicPartition, std::int64_t>>& next_offsets) {
  if (next_offsets.empty()) return;
  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(static_cast<int>(next_offsets.size()));
  for (const auto& [tp, off] : next_offsets) {
    rd_kafka_topic_partition_list_add(list, tp.topic.c_str(), tp.partition)->offset = off;
  }
  rd_kafka_commit(rk_, list, 1);
  rd_kafka_topic_partition_list_destroy(list);
}

std::vector<TopicPartition> Consumer::assignment() const {
  rd_kafka_topic_partition_list_t* parts = nullptr;
  if (rd_kafka_assignment(rk_, &parts) != RD_KAFKA_RESP_ERR_NO_ERROR) return {};
  auto out = to_vector(parts);
  rd_kafka_topic_partition_list_destroy(parts);
  return out;
}

std::map<std::int32_t, std::int64_t> Consumer::lag() const {
  std::map<std::int32_t, std::int64_t> out;
  rd_kafka_topic_partition_list_t* parts = nullptr;
  if (rd_kafka_assignment(rk_, &parts) != RD_KAFKA_RESP_ERR_NO_ERROR) return out;
  if (rd_kafka_position(rk_, parts) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    for (int i = 0; i < parts->cnt; ++i) {
      const auto& tp = parts->elems[i];
      std::int64_t low = 0, high = 0;
      if (tp.offset < 0 ||
          rd_kafka_get_watermark_offsets(rk_, tp.topic, tp.partition, &low, &high) !=
              RD_KAFKA_RESP_ERR_NO_ERROR ||
          high < 0) {
        continue;
      }
      out[tp.partition] = std::max<std::int64_t>(0, high - tp.offset);
    }
  }
  rd_kafka_topic_partition_list_destroy(parts);
  return out;
}

}  // namespace enroll::kafka
