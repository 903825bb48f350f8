#include "service/pipeline/outbox_relay.hpp"

#include <spdlog/spdlog.h>

namespace enroll {
namespace {

// Errors with which the broker refuses a record for good: sending it again cannot succeed.
bool refused_for_good(rd_kafka_resp_err_t err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_INVALID_MSG:
    case RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE:
    case RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_INVALID_RECORD:
    case RD_KAFKA_RESP_ERR__INVALID_ARG:
    case RD_KAFKA_RESP_ERR__BAD_MSG:
      return true;
    default:
      return false;
  }
}

}  // namespace

OutboxRelay::OutboxRelay(const kafka::Settings& kafka, redis::Store& store,
                         const std::atomic<bool>& stopping, PipelineCounters& counters)
    : store_(store),
      retry_(stopping, [this] { poll(); }),
      counters_(counters),
      producer_(std::make_unique<kafka::Producer>(
          kafka, [this](const kafka::Delivery& d) { on_delivery(d); })) {}

void OutboxRelay::on_delivery(const kafka::Delivery& d) {
  auto it = in_flight_.find(d.token);
  if (it == in_flight_.end()) return;
  if (d.error == RD_KAFKA_RESP_ERR_NO_ERROR) {
    delivered_[it->second.partition].push_back(it->second.entry_id);
  } else if (refused_for_good(d.error)) {
    to_park_.emplace_back(std::move(it->second), d.error);  // parked after the poll
  } else {
    // Stays in the outbox; re-sent when the partition is next claimed.
    spdlog::error("relay: delivery failed for outbox entry {} of partition {}: {}",
                  it->second.entry_id, it->second.partition, rd_kafka_err2str(d.error));
  }
  in_flight_.erase(it);
}

void OutboxRelay::send(std::int32_t partition, const std::string& entry_id,
                       const std::string& topic, const std::string& key, std::string_view value) {
  const std::uint64_t token = next_token_++;
  in_flight_[token] = InFlight{partition, entry_id, key};
  const auto err = producer_->try_produce(topic, key, value, token);
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
  in_flight_.erase(token);
  if (refused_for_good(err)) {
    park(partition, entry_id, key, err);
  } else {
    // Stays in the outbox; re-sent when the partition is next claimed.
    spdlog::error("relay: outbox entry {} of partition {} not sent to {}: {}", entry_id, partition,
                  topic, rd_kafka_err2str(err));
  }
}

void OutboxRelay::done(std::int32_t partition, std::string entry_id) {
  delivered_[partition].push_back(std::move(entry_id));
}

void OutboxRelay::park(std::int32_t partition, const std::string& entry_id, const std::string& key,
                       rd_kafka_resp_err_t why) {
  const std::string reason = rd_kafka_err2str(why);
  const bool parked =
      retry_("park", [&] { return store_.park_outbox(partition, entry_id, reason); });
  if (!parked) return;
  ++counters_.parked;
  spdlog::error("relay: registration {}: outbox entry {} of partition {} parked: {}",
                key.substr(0, 128), entry_id, partition, reason);
}

void OutboxRelay::acknowledge() {
  if (!delivered_.empty()) {
    // Every partition's delivered entries in one pipeline; XDEL of an id already gone is a
    // no-op, so a retry of the whole of it is safe.
    retry_("outbox ack", [&] {
      store_.ack_outbox(delivered_);
      return 0;
    });
    delivered_.clear();
  }
  // Refused for good by the broker after it was sent (told by a delivery report).
  auto refused = std::exchange(to_park_, {});
  for (auto& [entry, why] : refused) park(entry.partition, entry.entry_id, entry.key, why);
}

}  // namespace enroll
