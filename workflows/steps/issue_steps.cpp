// The end of the journey: the registry issues the digital identity for the device (or
// re-activates the enrolled one after a passcode reset; the task name says which).
#include "workflows/steps/kinds.hpp"

namespace enroll::steps {
namespace {

class IssueIdentity final : public StepKind {
 public:
  std::string_view name() const override { return "issue_identity"; }
  std::vector<Slice> slices() const override { return {Slice::identity}; }
  bool needs_task() const override { return true; }
  nlohmann::json task_inputs(const StepContext& ctx) const override {
    return {{"citizen_id", ctx.state.citizen_id.value_or("")},
            {"device", {{"id", ctx.state.device.id}, {"platform", ctx.state.device.platform}}}};
  }
  Verdict on_result(StepContext& ctx, const TaskResult& r) const override {
    if (r.status != TaskStatus::ok)
      return Verdict::reject({ReasonCode::identity_failed, error_code(r)});
    auto& issued = ctx.state.captured.identity;
    issued.digital_id = r.outputs.value("digital_id", "");
    if (issued.digital_id.empty()) return Verdict::reject(ReasonCode::identity_no_digital_id);
    return Verdict::advance();
  }
  bool may_reject() const override { return true; }
};

}  // namespace

const StepKind& issue_identity() {
  static const IssueIdentity k;
  return k;
}

}  // namespace enroll::steps
