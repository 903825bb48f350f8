#pragma once
// Runs simulated connectors: reads enroll.requests.<connector>, answers each task.request
// after a configurable latency with a task.result on enroll.inbox.
//
// Lifecycle: run() blocks on the calling thread until stop() (any thread).
#include <atomic>
#include <chrono>
#include <deque>
#include <string>
#include <vector>

#include "connectors/kafka/consumer.hpp"
#include "connectors/kafka/producer.hpp"
#include "connectors/sim/task_types.hpp"
#include "connectors/topics.hpp"

namespace enroll::sim {

struct ConnectorRunnerSettings {
  kafka::Settings kafka;  // bootstrap.servers
  Topics topics;
  std::vector<std::string> connectors{"capture", "registry"};
  std::string group = "enroll-sim-connectors";
  Behaviour behaviour;
  std::chrono::milliseconds latency{0};
  std::string source = "/sim/connectors";
};

class ConnectorRunner {
 public:
  explicit ConnectorRunner(ConnectorRunnerSettings settings);
  void run();
  void stop() noexcept { stopping_ = true; }
  [[nodiscard]] std::uint64_t answered() const { return answered_.load(); }

  // The task.result CloudEvent answering `request` (also used by tests).
  static std::string result_event(const TaskRequestView& request, const TaskReply& reply,
                                  const std::string& source);

 private:
  struct Pending {
    std::chrono::steady_clock::time_point due;
    std::string key;
    std::string value;
  };
  void handle(const kafka::Message& m);
  ConnectorRunnerSettings settings_;
  kafka::Producer producer_;
  kafka::Consumer consumer_;
  std::deque<Pending> pending_;  // FIFO: the latency is the same for every reply
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> answered_{0};
};

}  // namespace enroll::sim
