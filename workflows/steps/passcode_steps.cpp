// The passcode is checked against the step's policy ("config": length, max_run,
// max_same_digit) in memory; only an Argon2id verifier is kept. Its salt is derived from a secret
// key and the event id, so a replay after a crash produces the same verifier.
#include "workflows/crypto/passcode_verifier.hpp"
#include "workflows/domain/passcode_policy.hpp"
#include "workflows/steps/kinds.hpp"

namespace enroll::steps {
namespace {

struct PasscodeSettings final : StepConfig {
  PasscodePolicy policy;
};

// Why `cmd` cannot become a verifier at `step` (both sealed copies readable, sealed for this
// step, the same, within the policy), or nullopt: the one rule, for on_command and for the
// work done ahead.
std::optional<Reason> refusal(const PasscodeSet& cmd, const StepDef& step) {
  if (!cmd.first || !cmd.repeat) return Reason{ReasonCode::sealed_passcode_unreadable};
  if (cmd.step != step.name) return Reason{ReasonCode::sealed_passcode_misbound, cmd.step};
  if (auto violation =
          check_passcode(*cmd.first, *cmd.repeat, config_of<PasscodeSettings>(step).policy)) {
    return Reason{ReasonCode::passcode_refused, std::string(code(*violation))};
  }
  return std::nullopt;
}

class SetPasscode final : public StepKind {
 public:
  std::string_view name() const override { return "set_passcode"; }
  std::shared_ptr<const StepConfig> parse_config(const nlohmann::json& config) const override {
    auto out = std::make_shared<PasscodeSettings>();
    out->policy.length = config.at("length").get<std::size_t>();
    out->policy.max_run = config.at("max_run").get<std::size_t>();
    out->policy.max_same_digit = config.at("max_same_digit").get<std::size_t>();
    // The schema bounds each value alone; this one compares two of them.
    if (out->policy.max_run >= out->policy.length) {
      throw DefinitionError("max_run " + std::to_string(out->policy.max_run) +
                            " is not below length " + std::to_string(out->policy.length) +
                            ": no run would ever be refused");
    }
    return out;
  }
  std::vector<Slice> slices() const override { return {Slice::passcode}; }
  Verdict on_command(StepContext& ctx) const override {
    const auto& cmd = std::get<PasscodeSet>(ctx.event.payload);
    if (auto why = refusal(cmd, ctx.step)) return Verdict::ask_again(std::move(*why));
    const auto salt = passcode_salt(ctx.config, ctx.state.id, ctx.event.id);
    ctx.state.captured.passcode.verifier = crypto::make_passcode_verifier(
        *cmd.first, salt, ctx.config.passcode_hash, ctx.config.passcode_ahead);
    return Verdict::advance();
  }
  std::optional<crypto::PasscodeWork> passcode_work(const Registration& state, const StepDef& step,
                                                    const Inbound& event,
                                                    const EngineConfig& config) const override {
    const auto* cmd = std::get_if<PasscodeSet>(&event.payload);
    if (cmd == nullptr || refusal(*cmd, step)) return std::nullopt;
    return crypto::MakeVerifier{&*cmd->first, passcode_salt(config, state.id, event.id)};
  }
};

}  // namespace

const StepKind& set_passcode() {
  static const SetPasscode k;
  return k;
}

}  // namespace enroll::steps
