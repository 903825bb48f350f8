// Consent as a first-class record: the terms accepted, then the passcode confirmation that
// binds them.
#include "workflows/crypto/passcode_verifier.hpp"
#include "workflows/steps/kinds.hpp"

namespace enroll::steps {
namespace {

class AcceptTerms final : public StepKind {
 public:
  std::string_view name() const override { return "accept_terms"; }
  Verdict on_command(StepContext& ctx) const override {
    const auto& cmd = std::get<TermsAccept>(ctx.event.payload);
    ctx.state.consent.terms_version = cmd.terms_version;
    ctx.state.consent.accepted_at = ctx.now;
    return Verdict::advance();
  }
};

class ConfirmConsent final : public StepKind {
 public:
  std::string_view name() const override { return "confirm_consent"; }
  Verdict on_command(StepContext& ctx) const override {
    const auto& cmd = std::get<ConsentConfirm>(ctx.event.payload);
    if (!cmd.passcode) return Verdict::ask_again("sealed_passcode_unreadable");
    if (ctx.state.passcode_verifier.empty() ||
        !crypto::verify_passcode(ctx.state.passcode_verifier, *cmd.passcode)) {
      return Verdict::ask_again("passcode_incorrect");
    }
    ctx.state.consent.confirmed_at = ctx.now;
    ctx.state.consent.confirmed_by = ctx.event.id.str();
    return Verdict::advance();
  }
};

}  // namespace

const StepKind& accept_terms() {
  static const AcceptTerms k;
  return k;
}
const StepKind& confirm_consent() {
  static const ConfirmConsent k;
  return k;
}

}  // namespace enroll::steps
