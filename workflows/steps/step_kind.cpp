#include "workflows/steps/step_kind.hpp"

#include <array>
#include <functional>

#include "workflows/steps/kinds.hpp"

namespace enroll {

Verdict StepKind::on_command(StepContext& ctx) const {
  if (ctx.step.task) return Verdict::start_task(task_inputs(ctx));
  return Verdict::advance();
}

nlohmann::json StepKind::task_inputs(const StepContext& /*ctx*/) const {
  return nlohmann::json::object();
}

Verdict StepKind::on_result(StepContext& /*ctx*/, const TaskResult& result) const {
  if (result.status == TaskStatus::ok) return Verdict::advance();
  return Verdict::ask_again(steps::error_code(result));
}

const StepKind* find_step_kind(std::string_view name) {
  static const std::array<std::reference_wrapper<const StepKind>, 10> kinds{
      steps::accept_terms(),    steps::confirm_consent(),   steps::card_front_ocr(),
      steps::card_back_ocr(),   steps::confirm_card_data(), steps::verify_card(),
      steps::selfie_liveness(), steps::face_match(),        steps::set_passcode(),
      steps::issue_identity()};
  for (const StepKind& k : kinds) {
    if (k.name() == name) return &k;
  }
  return nullptr;
}

namespace steps {
std::string error_code(const TaskResult& r) { return r.error ? r.error->code : "failed"; }
}  // namespace steps

}  // namespace enroll
