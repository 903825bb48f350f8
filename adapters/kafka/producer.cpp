#include "adapters/kafka/producer.hpp"

#include <spdlog/spdlog.h>

#include <array>

namespace enroll::kafka {

Producer::Producer(Settings settings, DeliveryCallback on_delivery)
    : on_delivery_(std::move(on_delivery)) {
  settings.try_emplace("enable.idempotence", "true");
  settings.try_emplace("partitioner", "murmur2_random");
  // Half a millisecond: measured open-loop (README, Benchmark, "Latency tuning"), 2 ms added
  // ~7 ms to the median command -> event time at 25-55 registrations/s (every hop of a journey
  // lingers), 0 cost ~8 % of closed-loop throughput (smaller produce requests), 0.5 neither.
  settings.try_emplace("linger.ms", "0.5");
  rd_kafka_conf_t* conf = make_conf(settings);
  rd_kafka_conf_set_opaque(conf, this);
  rd_kafka_conf_set_dr_msg_cb(conf, &Producer::on_delivery_report);
  std::array<char, 512> err{};
  rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err.data(), err.size());
  if (rk_ == nullptr) {
    rd_kafka_conf_destroy(conf);
    throw KafkaError(std::string("kafka producer: ") + err.data(), false);
  }
}

Producer::~Producer() {
  rd_kafka_flush(rk_, 5000);
  rd_kafka_destroy(rk_);
}

void Producer::on_delivery_report(rd_kafka_t* /*rk*/, const rd_kafka_message_t* msg, void* opaque) {
  // Called from C: nothing may be thrown through librdkafka.
  try {
    auto* self = static_cast<Producer*>(opaque);
    if (self->on_delivery_) {
      self->on_delivery_(Delivery{reinterpret_cast<std::uint64_t>(msg->_private), msg->err,
                                  msg->partition, msg->offset});
    }
  } catch (const std::exception& e) {
    spdlog::error("kafka producer: delivery report handler failed: {}", e.what());
  } catch (...) {
    spdlog::error("kafka producer: delivery report handler failed");
  }
}

void Producer::produce(const std::string& topic, std::string_view key, std::string_view value,
                       std::uint64_t token) {
  const rd_kafka_resp_err_t err = try_produce(topic, key, value, token);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    throw KafkaError("produce to " + topic + ": " + rd_kafka_err2str(err), false);
  }
}

rd_kafka_resp_err_t Producer::try_produce(const std::string& topic, std::string_view key,
                                          std::string_view value, std::uint64_t token) {
  for (;;) {
    const rd_kafka_resp_err_t err =
        rd_kafka_producev(rk_, RD_KAFKA_V_TOPIC(topic.c_str()),
                          RD_KAFKA_V_KEY(const_cast<char*>(key.data()), key.size()),
                          RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                          RD_KAFKA_V_OPAQUE(reinterpret_cast<void*>(token)), RD_KAFKA_V_END);
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) return err;
    rd_kafka_poll(rk_, 50);  // make room by serving delivery reports
  }
}

int Producer::poll(int timeout_ms) { return rd_kafka_poll(rk_, timeout_ms); }

bool Producer::flush(int timeout_ms) {
  return rd_kafka_flush(rk_, timeout_ms) == RD_KAFKA_RESP_ERR_NO_ERROR;
}

int Producer::in_flight() const { return rd_kafka_outq_len(rk_); }

}  // namespace enroll::kafka
