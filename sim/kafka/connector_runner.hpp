#pragma once
// Runs simulated connectors: reads enroll.requests.<connector>, answers each task.request
// after a configurable latency (or a scenario's delay) with a task.result on enroll.inbox.
//
// Lifecycle: run() blocks on the calling thread until stop() (any thread).
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "adapters/codec/topics.hpp"
#include "adapters/kafka/consumer.hpp"
#include "adapters/kafka/producer.hpp"
#include "adapters/trust/signers.hpp"
#include "sim/responder.hpp"

namespace enroll::sim {

struct ConnectorRunnerSettings {
  kafka::Settings kafka;  // bootstrap.servers
  Topics topics;
  std::vector<std::string> connectors{"capture", "registry", "officer"};
  std::string group = "enroll-sim-connectors";
  Behaviour behaviour;
  Scenario scenario;  // read once at start-up; never reloaded
  std::chrono::milliseconds latency{0};
  std::string source = "/sim/connectors";
  // The connectors' signers (connector-<name> each, issue 13): required.
  std::shared_ptr<const trust::Signers> signers;
};

class ConnectorRunner {
 public:
  explicit ConnectorRunner(ConnectorRunnerSettings settings);
  void run();
  void stop() noexcept { stopping_ = true; }
  [[nodiscard]] std::uint64_t answered() const { return answered_.load(); }
  [[nodiscard]] std::uint64_t dropped() const { return dropped_.load(); }

 private:
  struct Pending {
    std::string key;
    std::string value;
  };
  void handle(const kafka::Message& m);
  ConnectorRunnerSettings settings_;
  Responder responder_;
  kafka::Producer producer_;
  kafka::Consumer consumer_;
  // By due time: a scenario's delay can put an answer behind later ones.
  std::multimap<std::chrono::steady_clock::time_point, Pending> pending_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> answered_{0};
  std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace enroll::sim
