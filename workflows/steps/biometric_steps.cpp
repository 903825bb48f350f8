// Biometrics: selfie liveness at the capture device, a face match against the registry (or
// enrolled) photo, or the index fingerprint at the counter. Each step's threshold is its
// "config": {"min_score": 0..1} (schemas/steps/<kind>.schema.json).
#include "workflows/steps/kinds.hpp"

namespace enroll::steps {
namespace {

std::shared_ptr<const StepConfig> min_score(const nlohmann::json& config) {
  return threshold(config, "min_score");
}

class SelfieLiveness final : public StepKind {
 public:
  std::string_view name() const override { return "selfie_liveness"; }
  std::shared_ptr<const StepConfig> parse_config(const nlohmann::json& config) const override {
    return min_score(config);
  }
  std::vector<Slice> slices() const override { return {Slice::selfie}; }
  bool needs_task() const override { return true; }
  Verdict on_command(StepContext& ctx) const override {
    const auto& cmd = std::get<ImageCapture>(ctx.event.payload);
    ctx.state.captured.selfie.image_ref = cmd.image_ref.str();
    return Verdict::start_task({{"image_ref", cmd.image_ref.str()}});
  }
  Verdict on_result(StepContext& ctx, const TaskResult& r) const override {
    if (r.status != TaskStatus::ok)
      return Verdict::ask_again({ReasonCode::connector_error, error_code(r)});
    const double score = r.outputs.value("liveness", 0.0);
    ctx.state.captured.selfie.liveness = score;
    ctx.evidence = {{"liveness", score}, {"min_score", config_of<Threshold>(ctx.step).value}};
    if (score < config_of<Threshold>(ctx.step).value)
      return Verdict::ask_again(ReasonCode::liveness_too_low);
    return Verdict::advance();
  }
};

class FaceMatch final : public StepKind {
 public:
  std::string_view name() const override { return "face_match"; }
  std::shared_ptr<const StepConfig> parse_config(const nlohmann::json& config) const override {
    return min_score(config);
  }
  std::vector<Slice> slices() const override { return {Slice::face}; }
  bool needs_task() const override { return true; }
  nlohmann::json task_inputs(const StepContext& ctx) const override {
    return {{"citizen_id", ctx.state.citizen_id.value_or("")},
            {"image_ref", ctx.state.captured.selfie.image_ref}};
  }
  Verdict on_result(StepContext& ctx, const TaskResult& r) const override {
    if (r.status != TaskStatus::ok)
      return Verdict::reject({ReasonCode::face_match_failed, error_code(r)});
    const double score = r.outputs.value("score", 0.0);
    ctx.state.captured.face.score = score;
    ctx.evidence = {{"score", score}, {"min_score", config_of<Threshold>(ctx.step).value}};
    if (score >= config_of<Threshold>(ctx.step).value) return Verdict::advance();
    // Another selfie, counted against the selfie step's tries.
    const auto back = first_step_of(ctx.definition, ctx.step.phase, true);
    if (back.empty()) return Verdict::reject(ReasonCode::face_mismatch);
    return Verdict::go_back(back.front(), ReasonCode::face_mismatch);
  }
  std::vector<std::string> go_back_targets(const ChannelDefinition& def,
                                           const StepDef& step) const override {
    return first_step_of(def, step.phase, true);
  }
  bool may_reject() const override { return true; }
};

// fingerprint_match's settings: the least score, and the fingers it takes (domain.md: the
// index finger), "any" for every finger.
struct FingerprintSettings final : StepConfig {
  double min_score = 0;
  std::vector<std::string> fingers;  // empty: any
};

class FingerprintMatch final : public StepKind {
 public:
  std::string_view name() const override { return "fingerprint_match"; }
  std::shared_ptr<const StepConfig> parse_config(const nlohmann::json& config) const override {
    auto out = std::make_shared<FingerprintSettings>();
    out->min_score = config.at("min_score").get<double>();
    out->fingers = name_list(config.at("fingers").get<std::string>());
    return out;
  }
  std::vector<Slice> slices() const override { return {Slice::fingerprint}; }
  bool needs_task() const override { return true; }
  Verdict on_command(StepContext& ctx) const override {
    const auto& cmd = std::get<FingerprintCapture>(ctx.event.payload);
    const auto& fingers = config_of<FingerprintSettings>(ctx.step).fingers;
    if (!fingers.empty() &&
        std::find(fingers.begin(), fingers.end(), cmd.finger) == fingers.end()) {
      return Verdict::ask_again({ReasonCode::wrong_finger, cmd.finger});
    }
    return Verdict::start_task({{"citizen_id", ctx.state.citizen_id.value_or("")},
                                {"template_ref", cmd.template_ref},
                                {"finger", cmd.finger}});
  }
  Verdict on_result(StepContext& ctx, const TaskResult& r) const override {
    if (r.status != TaskStatus::ok)
      return Verdict::ask_again({ReasonCode::connector_error, error_code(r)});
    const double score = r.outputs.value("score", 0.0);
    ctx.state.captured.fingerprint.score = score;
    ctx.evidence = {{"score", score},
                    {"min_score", config_of<FingerprintSettings>(ctx.step).min_score}};
    if (score < config_of<FingerprintSettings>(ctx.step).min_score) {
      return Verdict::ask_again(ReasonCode::fingerprint_mismatch);
    }
    return Verdict::advance();
  }
};

}  // namespace

const StepKind& selfie_liveness() {
  static const SelfieLiveness k;
  return k;
}
const StepKind& face_match() {
  static const FaceMatch k;
  return k;
}
const StepKind& fingerprint_match() {
  static const FingerprintMatch k;
  return k;
}

}  // namespace enroll::steps
