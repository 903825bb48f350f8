#include "connectors/capture/capture_simulator.hpp"

#include "connectors/sim/population.hpp"

namespace enroll::sim {
namespace {

TaskReply failed(std::string code, std::string message) {
  TaskReply r;
  r.status = "failed";
  r.error_code = std::move(code);
  r.error_message = std::move(message);
  return r;
}

}  // namespace

TaskReply answer_capture(const TaskRequestView& req, const Behaviour& behaviour) {
  if (chance(req.request_id, behaviour.unavailable_rate, behaviour.seed)) {
    return TaskReply{"retryable", nlohmann::json::object(), "unavailable", "capture busy"};
  }
  const auto owner = owner_of(req.inputs.value("image_ref", ""));
  if (!owner) return failed("not_a_card", "image not recognised");
  TaskReply r;
  if (req.task == "card.front.ocr") {
    r.outputs = {{"citizen_id", owner->citizen_id},     {"first_name", owner->first_name},
                 {"last_name", owner->last_name},       {"first_name_en", owner->first_name_en},
                 {"last_name_en", owner->last_name_en}, {"date_of_birth", owner->date_of_birth},
                 {"expiry_date", owner->expiry_date},   {"sharpness", 0.93}};
  } else if (req.task == "card.back.ocr") {
    r.outputs = {{"laser_code", owner->laser_code}, {"sharpness", 0.91}};
  } else if (req.task == "face.liveness") {
    r.outputs = {{"liveness", 0.97}};
  } else {
    return failed("unknown_task", "capture does not do " + req.task);
  }
  return r;
}

}  // namespace enroll::sim
