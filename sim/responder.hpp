#pragma once
// Decides the answer of every simulated connector to one task request: the scenario's
// scripted answer if it has one, else the simulator's own (with the behaviour's injected
// failures). Pure; the connector runner moves the messages.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "sim/scenario.hpp"
#include "sim/task_types.hpp"

namespace enroll::sim {

// The connectors this process can simulate.
const std::vector<std::string>& simulated_connectors();

// The simulator's own answer (no scenario).
TaskReply answer_task(const std::string& connector, const TaskRequestView& request,
                      const Behaviour& behaviour);

// The scenario keys of a request, in the order they are tried: the registration id, then
// the citizen it is about (capture: the owner of the image or the card in the reader;
// registry: inputs.citizen_id; officer: none).
std::vector<std::string> scenario_keys(const std::string& connector,
                                       const TaskRequestView& request);

struct Response {
  std::optional<TaskReply> reply;                  // nullopt: dropped, never answered
  std::optional<std::chrono::milliseconds> delay;  // set: instead of the usual latency
};

class Responder {
 public:
  Responder(Behaviour behaviour, Scenario scenario)
      : behaviour_(behaviour), scenario_(std::move(scenario)) {}
  Response respond(const std::string& connector, const TaskRequestView& request);

 private:
  Behaviour behaviour_;
  Scenario scenario_;
};

}  // namespace enroll::sim
