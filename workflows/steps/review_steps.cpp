// The officer's review: a human task with its own deadline (the step's timeout; a timeout
// asks again per the retry policy). The officer sees the masked citizen ID and the card.
#include "workflows/authorise.hpp"
#include "workflows/domain/citizen_id.hpp"
#include "workflows/steps/kinds.hpp"

namespace enroll::steps {
namespace {

class OfficerReview final : public StepKind {
 public:
  std::string_view name() const override { return "officer_review"; }
  bool needs_task() const override { return true; }
  nlohmann::json task_inputs(const StepContext& ctx) const override {
    const auto& s = ctx.state;
    std::string masked;
    if (s.citizen_id) {
      auto parsed = CitizenId::parse(*s.citizen_id);
      if (const auto* id = std::get_if<CitizenId>(&parsed)) masked = id->masked();
    }
    nlohmann::json officer = nlohmann::json::object();
    if (s.officer) officer = {{"id", s.officer->id}, {"counter", s.officer->counter}};
    return {{"citizen_id", masked},
            {"card",
             {{"first_name", s.captured.card_front.first_name},
              {"last_name", s.captured.card_front.last_name},
              {"date_of_birth", s.captured.card_front.date_of_birth},
              {"laser_code", s.captured.card_back.laser_code}}},
            {"officer", officer}};
  }
  Verdict on_result(StepContext& ctx, const TaskResult& r) const override {
    if (r.status != TaskStatus::ok)
      return Verdict::reject({ReasonCode::review_failed, error_code(r)});
    // The deciding officer as the console's verified message names them (authorise.hpp took
    // the result only from the registration's officer).
    ctx.evidence = {{"decision", r.outputs.value("decision", "")},
                    {"officer", named_officer(ctx.event)},
                    {"principal", ctx.event.principal.name.str()}};
    if (r.outputs.value("decision", "") == "approve") return Verdict::advance();
    return Verdict::reject(
        {ReasonCode::officer_rejected, r.outputs.value("reason", std::string("-"))});
  }
  bool may_reject() const override { return true; }
  bool decided_by_officer() const override { return true; }
};

}  // namespace

const StepKind& officer_review() {
  static const OfficerReview k;
  return k;
}

}  // namespace enroll::steps
