#pragma once

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <memory>
#include <string>

#include "apps/devbroker/mock_waker.hpp"

namespace enroll::devbroker {

// Owns librdkafka's mock cluster and the client handle it needs for book-keeping.
//
// Lifecycle: the constructor starts the cluster (its brokers listen on random loopback
// ports and run on librdkafka's own threads); the destructor stops it. Threading: the
// rd_kafka_mock_* calls on get() may come from any application thread; they hand their
// work to the cluster's thread and wait for it.
class MockCluster {
 public:
  // Starts `brokers` brokers with ids 1..brokers. Throws Error(io_failed) on failure.
  explicit MockCluster(int brokers);
  ~MockCluster();
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;

  rd_kafka_mock_cluster_t* get() const { return cluster_; }
  int brokers() const { return brokers_; }
  // The bootstrap.servers list clients use, e.g. "127.0.0.1:40001,127.0.0.1:40002".
  std::string bootstraps() const;

  // Hold one around every rd_kafka_mock_* call that waits for the cluster's thread (see
  // MockWaker for why).
  MockWaker::Scope awake() const { return MockWaker::Scope(*waker_); }

 private:
  int brokers_;
  rd_kafka_t* handle_ = nullptr;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
  std::unique_ptr<MockWaker> waker_;  // stopped before the cluster is destroyed
};

}  // namespace enroll::devbroker
