#include "connectors/registry/registry_simulator.hpp"

#include <cstdio>

#include "connectors/sim/population.hpp"

namespace enroll::sim {
namespace {

std::string buddhist(const std::string& iso) {
  int y = 0, m = 0, d = 0;
  if (std::sscanf(iso.c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3) return {};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d", y + 543, m, d);
  return buf;
}

}  // namespace

TaskReply answer_registry(const TaskRequestView& req, const Behaviour& behaviour) {
  if (chance(req.request_id, behaviour.unavailable_rate, behaviour.seed)) {
    return TaskReply{"retryable", nlohmann::json::object(), "unavailable", "registry busy"};
  }
  const auto person = lookup(req.inputs.value("citizen_id", ""));
  TaskReply r;
  if (req.task == "card.verify") {
    const auto& in = req.inputs;
    const bool missing = in.value("first_name", "").empty() || in.value("last_name", "").empty() ||
                         in.value("date_of_birth", "").empty() ||
                         in.value("laser_code", "").empty();
    int code = 0;
    if (missing) {
      code = 5;
    } else if (!person || in.value("first_name", "") != person->first_name ||
               in.value("last_name", "") != person->last_name ||
               in.value("date_of_birth", "") != buddhist(person->date_of_birth) ||
               in.value("laser_code", "") != person->laser_code) {
      code = 4;
    }
    r.outputs = {{"code", code}, {"card_status", "valid"}};
  } else if (req.task == "face.match") {
    if (!person) return TaskReply{"failed", {}, "no_reference_photo", "unknown citizen"};
    r.outputs = {{"score", 0.92}};
  } else if (req.task == "fingerprint.match") {
    if (!person) return TaskReply{"failed", {}, "poor_quality", "unknown citizen"};
    r.outputs = {{"score", 0.95}};
  } else if (req.task == "identity.issue" || req.task == "identity.reactivate") {
    if (!person) return TaskReply{"failed", {}, "not_enrolled", "unknown citizen"};
    char id[32];
    std::snprintf(id, sizeof id, "DID-%012llu", static_cast<unsigned long long>(person->n));
    r.outputs = {{"digital_id", id}};
    if (req.task == "identity.issue") r.outputs["revoked"] = nullptr;
  } else {
    return TaskReply{"failed", {}, "unknown_task", "registry does not do " + req.task};
  }
  return r;
}

}  // namespace enroll::sim
