#include "sim/officer/officer_simulator.hpp"

#include "sim/population.hpp"

namespace enroll::sim {
namespace {

std::string officer_id(const nlohmann::json& inputs) {
  const auto it = inputs.find("officer");
  if (it != inputs.end() && it->is_object()) {
    const std::string id = it->value("id", "");
    if (!id.empty()) return id;
  }
  return "officer-sim";
}

}  // namespace

TaskReply answer_officer(const TaskRequestView& req, const Behaviour& b) {
  TaskReply r;
  if (req.task == "review.request") {
    // Per registration, so a redelivered or retried review gets the same decision.
    const bool reject = draw("review.request", req.subject, b.review_reject_rate, b.seed);
    r.outputs = {{"decision", reject ? "reject" : "approve"},
                 {"officer_id", officer_id(req.inputs)},
                 {"reason", reject ? "card photo does not match the citizen" : "checked"}};
    return r;
  }
  if (req.task == "card.counter.read") {  // the citizen's card in the counter's reader
    const auto person = lookup(req.inputs.value("citizen_id", ""));
    if (!person) return failed_reply("no_card", "no card of that citizen");
    r.outputs = card_face(*person);
    r.outputs["laser_code"] = person->laser_code;
    r.outputs["method"] = "chip";
    return r;
  }
  if (req.task == "qr.display") {
    if (chance(req.request_id, b.unavailable_rate, b.seed)) {
      return unavailable_reply("officer screen offline");
    }
    r.outputs = {{"displayed", true}};
    return r;
  }
  return failed_reply("unknown_task", "officer console does not do " + req.task);
}

}  // namespace enroll::sim
