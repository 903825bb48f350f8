// Consent as a first-class record (the terms accepted, then the passcode confirmation that
// binds them), the app's permissions, and the one-active-registration claim.
#include "workflows/crypto/passcode_verifier.hpp"
#include "workflows/steps/kinds.hpp"

namespace enroll::steps {
namespace {

class AcceptTerms final : public StepKind {
 public:
  std::string_view name() const override { return "accept_terms"; }
  std::vector<Slice> slices() const override { return {Slice::terms}; }
  Verdict on_command(StepContext& ctx) const override {
    const auto& cmd = std::get<TermsAccept>(ctx.event.payload);
    ctx.state.captured.terms.terms_version = cmd.terms_version;
    ctx.state.captured.terms.accepted_at = ctx.now;
    return Verdict::advance();
  }
};

// The permissions the app needs ("config": {"required": "camera,nfc"}; "" or "any": any one).
struct PermissionSettings final : StepConfig {
  std::vector<std::string> required;
};

class GrantPermissions final : public StepKind {
 public:
  std::string_view name() const override { return "grant_permissions"; }
  std::shared_ptr<const StepConfig> parse_config(const nlohmann::json& config) const override {
    auto out = std::make_shared<PermissionSettings>();
    out->required = name_list(config.at("required").get<std::string>());
    return out;
  }
  Verdict on_command(StepContext& ctx) const override {
    const auto& granted = std::get<PermissionsGrant>(ctx.event.payload).permissions;
    if (granted.empty()) return Verdict::ask_again(ReasonCode::no_permissions_granted);
    std::string missing;
    for (const auto& p : config_of<PermissionSettings>(ctx.step).required) {
      if (std::find(granted.begin(), granted.end(), p) == granted.end()) {
        missing += (missing.empty() ? "" : ",") + p;
      }
    }
    if (!missing.empty()) return Verdict::ask_again({ReasonCode::no_permissions_granted, missing});
    return Verdict::advance();
  }
};

class ConfirmConsent final : public StepKind {
 public:
  std::string_view name() const override { return "confirm_consent"; }
  std::vector<Slice> slices() const override { return {Slice::confirmation}; }
  Verdict on_command(StepContext& ctx) const override {
    const auto& cmd = std::get<ConsentConfirm>(ctx.event.payload);
    if (!cmd.passcode) return Verdict::ask_again(ReasonCode::sealed_passcode_unreadable);
    if (cmd.step != ctx.step.name) {
      return Verdict::ask_again({ReasonCode::sealed_passcode_misbound, cmd.step});
    }
    if (ctx.state.captured.passcode.verifier.empty() ||
        !crypto::verify_passcode(ctx.state.captured.passcode.verifier, *cmd.passcode,
                                 ctx.config.passcode_hash.peppers, ctx.config.passcode_ahead)) {
      return Verdict::ask_again(ReasonCode::passcode_incorrect);
    }
    ctx.state.captured.confirmation.confirmed_at = ctx.now;
    ctx.state.captured.confirmation.confirmed_by = ctx.event.id.str();
    return Verdict::advance();
  }
  // The check on_command makes, when it gets as far as hashing.
  std::optional<crypto::PasscodeWork> passcode_work(const Registration& state, const StepDef& step,
                                                    const Inbound& event,
                                                    const EngineConfig& /*config*/) const override {
    const auto* cmd = std::get_if<ConsentConfirm>(&event.payload);
    if (cmd == nullptr || !cmd->passcode || cmd->step != step.name ||
        state.captured.passcode.verifier.empty())
      return std::nullopt;
    return crypto::CheckPasscode{&state.captured.passcode.verifier, &*cmd->passcode};
  }
};

// One active registration per citizen ID: the orchestrator's own connector holds a claim
// keyed by the citizen ID's keyed hash; a second registration of the same citizen is refused.
class ClaimCitizen final : public StepKind {
 public:
  std::string_view name() const override { return "claim_citizen"; }
  bool needs_task() const override { return true; }
  nlohmann::json task_inputs(const StepContext& ctx) const override {
    return citizen_claim_inputs(ctx.config, ctx.state.citizen_id.value_or(""));
  }
  Verdict on_result(StepContext& ctx, const TaskResult& r) const override {
    ctx.evidence = {{"claimed", r.outputs.value("claimed", false)}};
    if (r.status == TaskStatus::ok && r.outputs.value("claimed", false)) {
      ctx.state.citizen_claimed = true;
      return Verdict::advance();
    }
    return Verdict::reject({ReasonCode::connector_error, error_code(r)});
  }
  bool may_reject() const override { return true; }
};

}  // namespace

const StepKind& accept_terms() {
  static const AcceptTerms k;
  return k;
}
const StepKind& grant_permissions() {
  static const GrantPermissions k;
  return k;
}
const StepKind& confirm_consent() {
  static const ConfirmConsent k;
  return k;
}
const StepKind& claim_citizen() {
  static const ClaimCitizen k;
  return k;
}

}  // namespace enroll::steps
