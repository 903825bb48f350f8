#include "sim/registry/registry_simulator.hpp"

#include <cstdio>

#include "sim/population.hpp"
#include "workflows/domain/buddhist_date.hpp"

namespace enroll::sim {
namespace {

TaskReply verify_card(const nlohmann::json& in, const std::optional<SyntheticCitizen>& person,
                      const Behaviour& b) {
  const bool missing = in.value("first_name", "").empty() || in.value("last_name", "").empty() ||
                       in.value("date_of_birth", "").empty() || in.value("laser_code", "").empty();
  int code = 0;
  if (missing) {
    code = 5;
  } else if (!person || in.value("first_name", "") != person->first_name ||
             in.value("last_name", "") != person->last_name ||
             in.value("date_of_birth", "") !=
                 buddhist_yyyymmdd(person->date_of_birth).value_or("") ||
             in.value("laser_code", "") != person->laser_code) {
    code = 4;
  }
  // Revoked is a property of the card: the same citizen is revoked every time.
  const bool revoked =
      person && draw("card.verify/revoked", person->citizen_id, b.revoked_rate, b.seed);
  TaskReply r;
  r.outputs = {{"code", code}, {"card_status", revoked ? "revoked" : "valid"}};
  return r;
}

}  // namespace

TaskReply answer_registry(const TaskRequestView& req, const Behaviour& b) {
  if (chance(req.request_id, b.unavailable_rate, b.seed)) return unavailable_reply("registry busy");
  const auto person = lookup(req.inputs.value("citizen_id", ""));
  TaskReply r;
  if (req.task == "card.verify") return verify_card(req.inputs, person, b);
  if (req.task == "identity.status") {
    // Every synthetic citizen counts as enrolled; anyone else holds no identity.
    r.outputs = {{"enrolled", person.has_value()}};
    return r;
  }
  if (req.task == "face.match") {
    if (!person) return failed_reply("no_reference_photo", "unknown citizen");
    // Only the first selfie of a drawn citizen mismatches, so a retake recovers.
    const std::string image_ref = req.inputs.value("image_ref", "");
    const bool mismatch = take_of(image_ref) == 1 &&
                          draw("face.match", person->citizen_id, b.face_mismatch_rate, b.seed);
    r.outputs = {{"score", mismatch ? 0.2 : 0.92}};
  } else if (req.task == "fingerprint.match") {
    if (!person) return failed_reply("poor_quality", "unknown citizen");
    r.outputs = {{"score", 0.95}};
  } else if (req.task == "identity.issue" || req.task == "identity.reactivate") {
    if (!person) return failed_reply("not_enrolled", "unknown citizen");
    char id[32];
    std::snprintf(id, sizeof id, "DID-%012llu", static_cast<unsigned long long>(person->n));
    r.outputs = {{"digital_id", id}};
    if (req.task == "identity.issue") r.outputs["revoked"] = nullptr;
  } else {
    return failed_reply("unknown_task", "registry does not do " + req.task);
  }
  return r;
}

}  // namespace enroll::sim
