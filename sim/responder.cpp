#include "sim/responder.hpp"

#include "sim/capture/capture_simulator.hpp"
#include "sim/officer/officer_simulator.hpp"
#include "sim/registry/registry_simulator.hpp"

namespace enroll::sim {

const std::vector<std::string>& simulated_connectors() {
  static const std::vector<std::string> all{"capture", "registry", "officer"};
  return all;
}

TaskReply answer_task(const std::string& connector, const TaskRequestView& req,
                      const Behaviour& behaviour) {
  if (connector == "capture") return answer_capture(req, behaviour);
  if (connector == "registry") return answer_registry(req, behaviour);
  if (connector == "officer") return answer_officer(req, behaviour);
  return failed_reply("unknown_connector", "no simulator for " + connector);
}

std::vector<std::string> scenario_keys(const std::string& connector, const TaskRequestView& req) {
  std::vector<std::string> keys{req.subject};
  std::optional<std::string> citizen;
  if (connector == "capture") citizen = capture_subject_citizen(req);
  if (connector == "registry") {
    const std::string id = req.inputs.value("citizen_id", "");
    if (!id.empty()) citizen = id;
  }
  if (citizen && *citizen != req.subject) keys.push_back(*citizen);
  return keys;
}

Response Responder::respond(const std::string& connector, const TaskRequestView& req) {
  if (!scenario_.empty()) {
    for (const auto& key : scenario_keys(connector, req)) {
      if (!scenario_.covers(key, req.task)) continue;
      // The first key that scripts this task decides, even when its list is used up.
      const auto scripted = scenario_.next(key, req.task, req.request_id);
      if (!scripted) break;
      if (scripted->drop) return Response{std::nullopt, std::nullopt};
      // A scripted answer starts from the clean default, not from an injected failure.
      Behaviour clean;
      clean.seed = behaviour_.seed;
      return Response{apply(*scripted, answer_task(connector, req, clean)), scripted->delay};
    }
  }
  return Response{answer_task(connector, req, behaviour_), std::nullopt};
}

}  // namespace enroll::sim
