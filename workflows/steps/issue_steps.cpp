// The end of the journey: the registry issues the digital identity for the device (or
// re-activates the enrolled one after a passcode reset; the task name says which); and, before
// a passcode reset claims the citizen or takes a selfie, whether they hold one at all.
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

// passcode-reset's first step: only a citizen with an issued identity can reset its passcode,
// so a reset started for anyone else neither claims them (which would block their own
// registration) nor takes a selfie.
class CheckEnrolled final : public StepKind {
 public:
  std::string_view name() const override { return "check_enrolled"; }
  bool needs_task() const override { return true; }
  nlohmann::json task_inputs(const StepContext& ctx) const override {
    return {{"citizen_id", ctx.state.citizen_id.value_or("")}};
  }
  Verdict on_result(StepContext& ctx, const TaskResult& r) const override {
    if (r.status != TaskStatus::ok)
      return Verdict::reject({ReasonCode::connector_error, error_code(r)});
    ctx.evidence = {{"enrolled", r.outputs.value("enrolled", false)}};
    if (!r.outputs.value("enrolled", false)) return Verdict::reject(ReasonCode::not_enrolled);
    return Verdict::advance();
  }
  bool may_reject() const override { return true; }
};

}  // namespace

const StepKind& check_enrolled() {
  static const CheckEnrolled k;
  return k;
}

const StepKind& issue_identity() {
  static const IssueIdentity k;
  return k;
}

}  // namespace enroll::steps
