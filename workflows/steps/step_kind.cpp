#include "workflows/steps/step_kind.hpp"

#include <array>
#include <functional>

#include "workflows/steps/kinds.hpp"

namespace enroll {
namespace {

const auto& registry() {
  static const std::array<std::reference_wrapper<const StepKind>, 18> kinds{
      steps::accept_terms(),    steps::grant_permissions(), steps::confirm_consent(),
      steps::claim_citizen(),   steps::check_enrolled(),    steps::card_front_ocr(),
      steps::card_back_ocr(),   steps::card_data_task(),    steps::confirm_card_data(),
      steps::verify_card(),     steps::enter_citizen_id(),  steps::officer_review(),
      steps::selfie_liveness(), steps::face_match(),        steps::fingerprint_match(),
      steps::qr_bind(),         steps::set_passcode(),      steps::issue_identity()};
  return kinds;
}

}  // namespace

Verdict StepKind::on_command(StepContext& ctx) const {
  if (ctx.step.task) return Verdict::start_task(task_inputs(ctx));
  return Verdict::advance();
}

nlohmann::json StepKind::task_inputs(const StepContext& /*ctx*/) const {
  return nlohmann::json::object();
}

Verdict StepKind::on_result(StepContext& /*ctx*/, const TaskResult& result) const {
  if (result.status == TaskStatus::ok) return Verdict::advance();
  return Verdict::ask_again({ReasonCode::connector_error, steps::error_code(result)});
}

const StepKind* find_step_kind(std::string_view name) {
  for (const StepKind& k : registry()) {
    if (k.name() == name) return &k;
  }
  return nullptr;
}

std::vector<std::string_view> step_kind_names() {
  std::vector<std::string_view> out;
  for (const StepKind& k : registry()) out.push_back(k.name());
  return out;
}

namespace steps {

std::shared_ptr<const StepConfig> threshold(const nlohmann::json& config, const char* key) {
  auto out = std::make_shared<Threshold>();
  out->value = config.at(key).get<double>();
  return out;
}

std::vector<std::string> name_list(std::string_view text) {
  std::vector<std::string> out;
  if (text.empty() || text == "any") return out;
  std::size_t from = 0;
  for (;;) {
    const auto comma = text.find(',', from);
    out.emplace_back(text.substr(from, comma == std::string_view::npos ? text.npos : comma - from));
    if (comma == std::string_view::npos) return out;
    from = comma + 1;
  }
}

std::vector<std::string> card_reading_step(const ChannelDefinition& def, const StepDef& step) {
  for (const auto& s : def.steps) {
    if (s.name == step.name) break;
    const StepKind* kind = find_step_kind(s.kind);
    if (kind == nullptr) continue;
    const auto slices = kind->slices();
    if (std::find(slices.begin(), slices.end(), Slice::card_front) != slices.end()) return {s.name};
  }
  return {};
}

std::string error_code(const TaskResult& r) { return r.error ? r.error->code : "failed"; }

std::vector<std::string> first_step_of(const ChannelDefinition& def, RegistrationState phase,
                                       bool with_input) {
  for (const auto& s : def.steps) {
    if (s.phase == phase && (!with_input || !s.expects.empty())) return {s.name};
  }
  return {};
}

}  // namespace steps
}  // namespace enroll
