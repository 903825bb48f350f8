#include "sim/capture/capture_simulator.hpp"

#include "sim/population.hpp"

namespace enroll::sim {
namespace {

// A chip read has no photo: the whole card at once, no sharpness.
TaskReply chip_read(const TaskRequestView& req) {
  const SyntheticCitizen c = card_in_reader(req.subject);
  TaskReply r;
  r.outputs = card_face(c);
  r.outputs["laser_code"] = c.laser_code;
  return r;
}

}  // namespace

std::optional<std::string> capture_subject_citizen(const TaskRequestView& req) {
  if (req.task == "card.chip.read") return card_in_reader(req.subject).citizen_id;
  const auto owner = owner_of(req.inputs.value("image_ref", ""));
  if (!owner) return std::nullopt;
  return owner->citizen_id;
}

TaskReply answer_capture(const TaskRequestView& req, const Behaviour& b) {
  if (chance(req.request_id, b.unavailable_rate, b.seed)) return unavailable_reply("capture busy");
  if (req.task == "card.chip.read") return chip_read(req);
  if (req.task == "pairing.display") {  // the kiosk's screen shows the pairing code
    TaskReply shown;
    shown.outputs = {{"displayed", true}};
    return shown;
  }
  const std::string image_ref = req.inputs.value("image_ref", "");
  const auto owner = owner_of(image_ref);
  if (!owner) return failed_reply("not_a_card", "image not recognised");
  const bool first_take = take_of(image_ref) == 1;
  const auto& cid = owner->citizen_id;
  TaskReply r;
  if (req.task == "card.front.ocr" || req.task == "card.back.ocr") {
    if (first_take && draw(req.task + "/blurry", cid, b.blurry_rate, b.seed)) {
      return failed_reply("blurry", "the photo is not sharp enough");
    }
    if (req.task == "card.front.ocr") {
      r.outputs = card_face(*owner);
      r.outputs["sharpness"] = 0.93;
    } else {
      r.outputs = {{"laser_code", owner->laser_code}, {"sharpness", 0.91}};
    }
  } else if (req.task == "face.liveness") {
    const bool spoof = first_take && draw("face.liveness", cid, b.liveness_fail_rate, b.seed);
    r.outputs = {{"liveness", spoof ? 0.3 : 0.97}};
  } else {
    return failed_reply("unknown_task", "capture does not do " + req.task);
  }
  return r;
}

}  // namespace enroll::sim
