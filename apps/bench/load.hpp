#pragma once
// Drives simulated citizens (sim::CitizenDriver) through a running stack, closed or open
// loop, timing every command with the LatencyRecorder.
//   closed loop: at most `concurrency` registrations in flight; a new one starts when one
//                finishes; each citizen sends its next command when an event asks for it.
//   open loop:   a new registration every 1/rate seconds, however many are in flight.
//
// Lifecycle: run() blocks on the calling thread; `stop` (set from any thread) ends it early.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "adapters/codec/topics.hpp"
#include "adapters/kafka/producer.hpp"
#include "adapters/kafka/tail_reader.hpp"
#include "apps/bench/latency.hpp"
#include "sim/channel_mix.hpp"
#include "sim/citizen_driver.hpp"

namespace enroll::bench {

struct Phase {
  std::string id_prefix;  // registration ids are <id_prefix><i>
  int count = 0;
  int concurrency = 0;  // closed loop
  double rate = 0;      // > 0: open loop
  std::uint64_t first_citizen = 0;
  Clock::time_point deadline;
};

struct Wire {
  sim::CitizenDriver& driver;
  sim::ChannelMix& mix;
  kafka::Producer& producer;
  kafka::TailReader& events;
  kafka::TailReader& officer;                // requests.officer: QR tokens, and task requests
  std::vector<kafka::TailReader*> requests;  // the other requests.<connector> topics
  const Topics& topics;
  LatencyRecorder& latency;
};

class Load {
 public:
  explicit Load(Wire wire) : w_(wire) {}
  // Runs `phase` until all its registrations have finished (true), or the deadline or `stop`
  // (false). Calls `tick` about every 250 ms.
  bool run(const Phase& phase, const std::atomic<bool>& stop, const std::function<void()>& tick);
  [[nodiscard]] std::uint64_t commands_sent() const { return sent_; }
  [[nodiscard]] std::size_t in_flight() const { return w_.driver.started() - w_.driver.finished(); }

 private:
  void send(const std::vector<sim::Command>& commands);
  Wire w_;
  std::uint64_t sent_ = 0;
};

}  // namespace enroll::bench
