#pragma once
// Writes the HTTP API's commands (the operator actions) to the inbox without blocking an Asio
// thread: write() queues the message and returns at once; a thread of its own produces it with
// a producer of its own (idempotent, murmur2 like every producer of the inbox), serves the
// delivery reports and tells each message's callback whether Kafka acknowledged it.
//
// Lifecycle: the constructor makes the producer (throws kafka::KafkaError for a bad setting)
// and starts the thread; stop() (or the destructor) refuses new writes, waits up to
// `flush_timeout` for the messages in flight, answers the rest as failed, and joins. Callbacks
// run on the writer's thread and must not block.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "adapters/kafka/config.hpp"
#include "service/http/inbox_sink.hpp"

namespace enroll::kafka {
class Producer;
}

namespace enroll::http {

class InboxWriter final : public InboxSink {
 public:
  // `settings` must hold bootstrap.servers. `max_queue`: messages queued or in flight at most
  // (more are answered failed at once).
  InboxWriter(kafka::Settings settings, std::string topic, std::size_t max_queue = 256,
              std::chrono::milliseconds flush_timeout = std::chrono::seconds(5));
  ~InboxWriter() override;
  InboxWriter(const InboxWriter&) = delete;
  InboxWriter& operator=(const InboxWriter&) = delete;

  void write(std::string key, std::string value, Delivered done) override;
  void stop();

 private:
  struct Pending {
    std::string key, value;
    Delivered done;
  };
  void run();

  std::string topic_;
  std::size_t max_queue_;
  std::chrono::milliseconds flush_timeout_;
  // Used by the writer's thread only (after construction).
  std::unique_ptr<kafka::Producer> producer_;
  std::map<std::uint64_t, Delivered> in_flight_;
  std::uint64_t next_token_ = 1;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> queue_;
  std::size_t outstanding_ = 0;  // queued or in flight
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace enroll::http
