// The card phase and its review: OCR of both sides or a chip read (each must yield a valid
// citizen ID and laser code, else the citizen tries again, with the reason), the citizen's
// confirmation, the ID typed at the counter, and the civil registry's check (DOPA
// CheckCardByLaser semantics).
#include <cstdio>

#include "workflows/domain/buddhist_date.hpp"
#include "workflows/domain/citizen_id.hpp"
#include "workflows/domain/laser_code.hpp"
#include "workflows/steps/kinds.hpp"

namespace enroll::steps {
namespace {

// The photo OCR steps' setting ("config": {"min_sharpness": 0..1}): a blurrier photo, as
// the capture device reports it, is taken again.
std::shared_ptr<const StepConfig> min_sharpness(const nlohmann::json& config) {
  return threshold(config, "min_sharpness");
}

bool sharp_enough(StepContext& ctx, const nlohmann::json& out) {
  const double sharpness = out.value("sharpness", 1.0);
  const double least = config_of<Threshold>(ctx.step).value;
  ctx.evidence = {{"sharpness", sharpness}, {"min_sharpness", least}};
  return sharpness >= least;
}

// Takes the citizen ID and the printed fields from a card reading; a reason if unusable.
std::optional<Reason> take_card_fields(StepContext& ctx, const nlohmann::json& out) {
  auto parsed = CitizenId::parse(out.value("citizen_id", ""));
  if (const auto* err = std::get_if<CitizenIdError>(&parsed)) {
    return Reason{ReasonCode::citizen_id_unreadable, std::string(describe(*err))};
  }
  const auto& id = std::get<CitizenId>(parsed);
  if (ctx.state.citizen_id && *ctx.state.citizen_id != id.digits()) {
    return Reason{ReasonCode::citizen_id_differs};
  }
  auto& card = ctx.state.captured.card_front;
  card.first_name = out.value("first_name", "");
  card.last_name = out.value("last_name", "");
  card.first_name_en = out.value("first_name_en", "");
  card.last_name_en = out.value("last_name_en", "");
  card.date_of_birth = out.value("date_of_birth", "");
  card.expiry_date = out.value("expiry_date", "");
  if (card.first_name.empty() || card.last_name.empty() || !buddhist_yyyymmdd(card.date_of_birth)) {
    return Reason{ReasonCode::card_fields_unreadable};
  }
  ctx.state.citizen_id = id.digits();
  return std::nullopt;
}

std::optional<Reason> take_laser_code(StepContext& ctx, const nlohmann::json& out) {
  auto parsed = LaserCode::parse(out.value("laser_code", ""));
  if (const auto* err = std::get_if<LaserCodeError>(&parsed)) {
    return Reason{ReasonCode::laser_code_unreadable, std::string(describe(*err))};
  }
  ctx.state.captured.card_back.laser_code = std::get<LaserCode>(parsed).compact();
  return std::nullopt;
}

class CardFrontOcr final : public StepKind {
 public:
  std::string_view name() const override { return "card_front_ocr"; }
  std::shared_ptr<const StepConfig> parse_config(const nlohmann::json& config) const override {
    return min_sharpness(config);
  }
  // The citizen ID is not in it: the registration is claimed for it, and a new read must
  // match it.
  std::vector<Slice> slices() const override { return {Slice::card_front}; }
  bool needs_task() const override { return true; }
  Verdict on_command(StepContext& ctx) const override {
    const auto& cmd = std::get<ImageCapture>(ctx.event.payload);
    ctx.state.captured.card_front.front_ref = cmd.image_ref.str();
    return Verdict::start_task({{"image_ref", cmd.image_ref.str()}});
  }
  Verdict on_result(StepContext& ctx, const TaskResult& r) const override {
    if (r.status != TaskStatus::ok)
      return Verdict::ask_again({ReasonCode::connector_error, error_code(r)});
    if (!sharp_enough(ctx, r.outputs)) return Verdict::ask_again(ReasonCode::blurry);
    if (auto why = take_card_fields(ctx, r.outputs)) return Verdict::ask_again(*why);
    return Verdict::advance();
  }
};

class CardBackOcr final : public StepKind {
 public:
  std::string_view name() const override { return "card_back_ocr"; }
  std::shared_ptr<const StepConfig> parse_config(const nlohmann::json& config) const override {
    return min_sharpness(config);
  }
  std::vector<Slice> slices() const override { return {Slice::card_back}; }
  bool needs_task() const override { return true; }
  Verdict on_command(StepContext& ctx) const override {
    const auto& cmd = std::get<ImageCapture>(ctx.event.payload);
    ctx.state.captured.card_back.back_ref = cmd.image_ref.str();
    return Verdict::start_task({{"image_ref", cmd.image_ref.str()}});
  }
  Verdict on_result(StepContext& ctx, const TaskResult& r) const override {
    if (r.status != TaskStatus::ok)
      return Verdict::ask_again({ReasonCode::connector_error, error_code(r)});
    if (!sharp_enough(ctx, r.outputs)) return Verdict::ask_again(ReasonCode::blurry);
    if (auto why = take_laser_code(ctx, r.outputs)) return Verdict::ask_again(*why);
    return Verdict::advance();
  }
};

// A connector that returns the whole card at once (a smart-card reader at a kiosk).
class CardDataTask final : public StepKind {
 public:
  std::string_view name() const override { return "card_data_task"; }
  std::vector<Slice> slices() const override { return {Slice::card_front, Slice::card_back}; }
  bool needs_task() const override { return true; }
  // The citizen the card must belong to, when the start named one (at the counter); a kiosk
  // knows no one yet.
  nlohmann::json task_inputs(const StepContext& ctx) const override {
    if (!ctx.state.citizen_id) return nlohmann::json::object();
    return {{"citizen_id", *ctx.state.citizen_id}};
  }
  Verdict on_result(StepContext& ctx, const TaskResult& r) const override {
    if (r.status != TaskStatus::ok)
      return Verdict::ask_again({ReasonCode::connector_error, error_code(r)});
    if (auto why = take_card_fields(ctx, r.outputs)) return Verdict::ask_again(*why);
    if (auto why = take_laser_code(ctx, r.outputs)) return Verdict::ask_again(*why);
    return Verdict::advance();
  }
};

class ConfirmCardData final : public StepKind {
 public:
  std::string_view name() const override { return "confirm_card_data"; }
  Verdict on_command(StepContext& ctx) const override {
    if (std::get<CardDataConfirm>(ctx.event.payload).confirmed) return Verdict::advance();
    // The citizen says the data read from the card is wrong: read the card again.
    const auto back = first_step_of(ctx.definition, RegistrationState::card);
    if (back.empty()) return Verdict::reject(ReasonCode::card_data_not_confirmed);
    return Verdict::go_back(back.front(), ReasonCode::card_data_not_confirmed);
  }
  std::vector<std::string> go_back_targets(const ChannelDefinition& def,
                                           const StepDef&) const override {
    return first_step_of(def, RegistrationState::card);
  }
  bool may_reject() const override { return true; }
};

class VerifyCard final : public StepKind {
 public:
  std::string_view name() const override { return "verify_card"; }
  bool needs_task() const override { return true; }
  nlohmann::json task_inputs(const StepContext& ctx) const override {
    const auto& s = ctx.state;
    return {{"citizen_id", s.citizen_id.value_or("")},
            {"first_name", s.captured.card_front.first_name},
            {"last_name", s.captured.card_front.last_name},
            {"date_of_birth", buddhist_yyyymmdd(s.captured.card_front.date_of_birth).value_or("")},
            {"laser_code", s.captured.card_back.laser_code}};
  }
  Verdict on_result(StepContext& ctx, const TaskResult& r) const override {
    if (r.status != TaskStatus::ok)
      return Verdict::reject({ReasonCode::card_check_failed, error_code(r)});
    const int code = r.outputs.value("code", -1);
    const auto status = r.outputs.value("card_status", std::string("valid"));
    ctx.evidence = {{"registry_code", code}, {"card_status", status}};
    if (status == "revoked") return Verdict::reject(ReasonCode::card_revoked);
    if (status == "expired") return Verdict::reject(ReasonCode::card_expired);
    switch (code) {
      case 0:
        return Verdict::advance();
      case 4:
        return Verdict::reject(ReasonCode::card_not_found_or_mismatch);
      case 5: {  // fields missing: read the card again
        const auto back = card_reading_step(ctx.definition, ctx.step);
        if (back.empty()) return Verdict::reject(ReasonCode::card_fields_missing);
        return Verdict::go_back(back.front(), ReasonCode::card_fields_missing);
      }
      default:
        return Verdict::reject({ReasonCode::card_check_unknown_code, std::to_string(code)});
    }
  }
  std::vector<std::string> go_back_targets(const ChannelDefinition& def,
                                           const StepDef& step) const override {
    return card_reading_step(def, step);
  }
  bool may_reject() const override { return true; }
};

// At the counter the citizen types the ID; it must be valid and equal the officer's card.
class EnterCitizenId final : public StepKind {
 public:
  std::string_view name() const override { return "enter_citizen_id"; }
  Verdict on_command(StepContext& ctx) const override {
    auto parsed = CitizenId::parse(std::get<CitizenIdEnter>(ctx.event.payload).citizen_id);
    if (const auto* err = std::get_if<CitizenIdError>(&parsed)) {
      return Verdict::ask_again({ReasonCode::citizen_id_invalid, std::string(describe(*err))});
    }
    const auto& id = std::get<CitizenId>(parsed);
    if (!ctx.state.citizen_id) {
      ctx.state.citizen_id = id.digits();
    } else if (*ctx.state.citizen_id != id.digits()) {
      return Verdict::ask_again(ReasonCode::citizen_id_differs_from_checked_card);
    }
    return Verdict::advance();
  }
};

}  // namespace

const StepKind& card_front_ocr() {
  static const CardFrontOcr k;
  return k;
}
const StepKind& card_back_ocr() {
  static const CardBackOcr k;
  return k;
}
const StepKind& card_data_task() {
  static const CardDataTask k;
  return k;
}
const StepKind& confirm_card_data() {
  static const ConfirmCardData k;
  return k;
}
const StepKind& verify_card() {
  static const VerifyCard k;
  return k;
}
const StepKind& enter_citizen_id() {
  static const EnterCitizenId k;
  return k;
}

}  // namespace enroll::steps
