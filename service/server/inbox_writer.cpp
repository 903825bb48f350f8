#include "service/server/inbox_writer.hpp"

#include <spdlog/spdlog.h>

#include "adapters/kafka/producer.hpp"

namespace enroll::http {

InboxWriter::InboxWriter(kafka::Settings settings, std::string topic, std::size_t max_queue,
                         std::chrono::milliseconds flush_timeout)
    : topic_(std::move(topic)), max_queue_(max_queue), flush_timeout_(flush_timeout) {
  // An HTTP client waits for the answer: give up on an unreachable broker well within the
  // server's 30 s, and send at once.
  settings.try_emplace("message.timeout.ms", "10000");
  settings.try_emplace("linger.ms", "0");
  producer_ = std::make_unique<kafka::Producer>(std::move(settings), [this](const auto& d) {
    const auto it = in_flight_.find(d.token);
    if (it == in_flight_.end()) return;
    const auto done = std::move(it->second);
    in_flight_.erase(it);
    {
      const std::lock_guard lock(mutex_);
      --outstanding_;
    }
    const bool ok = d.error == RD_KAFKA_RESP_ERR_NO_ERROR;
    if (!ok) spdlog::warn("http: writing to {} failed: {}", topic_, rd_kafka_err2str(d.error));
    done(ok, ok ? std::string() : std::string(rd_kafka_err2str(d.error)));
  });
  thread_ = std::thread([this] { run(); });
}

InboxWriter::~InboxWriter() {
  stop();
  producer_.reset();  // while the members its delivery callback touches are still alive
}

void InboxWriter::write(std::string key, std::string value, Delivered done) {
  {
    const std::lock_guard lock(mutex_);
    if (!stopping_ && outstanding_ < max_queue_) {
      ++outstanding_;
      queue_.push_back({std::move(key), std::move(value), std::move(done)});
      wake_.notify_one();
      return;
    }
  }
  done(false, "too many writes waiting for Kafka, or stopping");
}

void InboxWriter::stop() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void InboxWriter::run() {
  for (;;) {
    std::deque<Pending> batch;
    bool stopping = false;
    {
      std::unique_lock lock(mutex_);
      // Wakes for a new message at once; otherwise serves delivery reports every 20 ms.
      wake_.wait_for(lock, std::chrono::milliseconds(20),
                     [this] { return stopping_ || !queue_.empty(); });
      batch.swap(queue_);
      stopping = stopping_;
    }
    for (auto& p : batch) {
      const std::uint64_t token = next_token_++;
      in_flight_[token] = std::move(p.done);
      try {
        producer_->produce(topic_, p.key, p.value, token);  // may wait here, never on Asio
      } catch (const kafka::KafkaError& e) {
        auto done = std::move(in_flight_[token]);
        in_flight_.erase(token);
        {
          const std::lock_guard lock(mutex_);
          --outstanding_;
        }
        done(false, e.what());
      }
    }
    producer_->poll(0);
    if (stopping) break;
  }
  // Writes queued before stop() are in the batch above; wait for them, then give up.
  producer_->flush(static_cast<int>(flush_timeout_.count()));
  producer_->poll(0);
  for (auto& [token, done] : in_flight_) done(false, "stopped before Kafka acknowledged it");
  in_flight_.clear();
  // Answered: drop them, so that the producer's destructor does not wait for them again.
  rd_kafka_purge(producer_->handle(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  producer_->poll(0);
}

}  // namespace enroll::http
