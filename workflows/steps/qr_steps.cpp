// The counter QR code: the orchestrator issues a one-time token, shown on the officer's
// screen (qr.display), which the citizen's app scans (qr.scan). The token is
// "<expiry ms>.<nonce>.<mac>", mac = HMAC-SHA256(qr key,
// registration|officer|counter|expiry|nonce): bound to the registration, the officer and the
// counter, expiring, and single use.
#include <span>
#include <stdexcept>
#include <string_view>

#include "workflows/crypto/hashing.hpp"
#include "workflows/steps/kinds.hpp"

namespace enroll::steps {
namespace {

std::string mac(const StepContext& ctx, std::span<const unsigned char> key,
                const std::string& expiry, const std::string& nonce) {
  const auto& o = ctx.state.officer;
  return crypto::keyed_hash_hex(key, ctx.state.id.str() + "|" + (o ? o->id : "") + "|" +
                                         (o ? o->counter : "") + "|" + expiry + "|" + nonce);
}

// New tokens are MACed with the current version of the key; a token made before a rotation
// still scans while its version is kept (every version is tried, each in constant time).
bool mac_matches(const StepContext& ctx, std::string_view mac_hex, const std::string& expiry,
                 const std::string& nonce) {
  bool match = false;
  for (const crypto::KeyView& k : ctx.config.qr_mac_keys) {
    match = crypto::constant_time_equal(mac_hex, mac(ctx, k.key, expiry, nonce)) || match;
  }
  return match;
}

// How long a token is valid, and whether the scan binds the device ("config": {"ttl_s":
// seconds, "bind_device": bool}): the app that scans must say which device it is, and the
// identity is issued to that device (the citizen's phone, not the counter's or kiosk's).
struct QrSettings final : StepConfig {
  std::chrono::seconds ttl{0};
  bool bind_device = false;
};

class QrBind final : public StepKind {
 public:
  std::string_view name() const override { return "qr_bind"; }
  std::shared_ptr<const StepConfig> parse_config(const nlohmann::json& config) const override {
    auto out = std::make_shared<QrSettings>();
    out->ttl = std::chrono::seconds(config.at("ttl_s").get<std::int64_t>());
    out->bind_device = config.at("bind_device").get<bool>();
    return out;
  }
  // Scanned tokens are not in it (Registration::used_qr_tokens): a token is single use for
  // the registration's whole life.
  std::vector<Slice> slices() const override { return {Slice::qr}; }
  bool needs_task() const override { return true; }
  bool starts_with_task() const override { return true; }

  // Entering the step issues a fresh token and asks the officer console to show it.
  nlohmann::json task_inputs(const StepContext& ctx) const override {
    auto& s = ctx.state;  // a reference member: the token is part of the step's state
    const Timestamp expires = ctx.now + config_of<QrSettings>(ctx.step).ttl;
    const std::string expiry = std::to_string(to_millis(expires));
    // The nonce is derived, not random, so that a replay issues the same token.
    const std::string nonce =
        crypto::sha256_hex(ctx.event.id.str() + "|" + s.step + std::to_string(s.state_version))
            .substr(0, 16);
    if (ctx.config.qr_mac_keys.empty()) throw std::logic_error("the engine has no qr_mac key");
    s.captured.qr.token =
        expiry + "." + nonce + "." + mac(ctx, ctx.config.qr_mac_keys.back().key, expiry, nonce);
    s.captured.qr.expires_at = expires;
    return {{"token", s.captured.qr.token},
            {"expires_at", to_rfc3339(expires)},
            {"officer", s.officer ? s.officer->id : ""},
            {"counter", s.officer ? s.officer->counter : ""}};
  }
  Verdict on_result(StepContext&, const TaskResult& r) const override {
    if (r.status != TaskStatus::ok)
      return Verdict::reject({ReasonCode::qr_display_failed, error_code(r)});
    return Verdict::await_input();
  }
  Verdict on_command(StepContext& ctx) const override {
    const auto& scan = std::get<QrScan>(ctx.event.payload);
    const std::string& token = scan.token;
    const bool bind = config_of<QrSettings>(ctx.step).bind_device;
    if (bind && !scan.device) return Verdict::ask_again(ReasonCode::qr_device_missing);
    auto& qr = ctx.state.captured.qr;
    const auto first = token.find('.');
    const auto second = token.find('.', first == std::string::npos ? first : first + 1);
    if (first == std::string::npos || second == std::string::npos) {
      return Verdict::ask_again(ReasonCode::qr_invalid);
    }
    const std::string expiry = token.substr(0, first);
    const std::string nonce = token.substr(first + 1, second - first - 1);
    if (!mac_matches(ctx, std::string_view(token).substr(second + 1), expiry, nonce)) {
      return Verdict::ask_again(
          ReasonCode::qr_invalid);  // another registration, officer or counter
    }
    auto& used = ctx.state.used_qr_tokens;
    if (std::find(used.begin(), used.end(), token) != used.end()) {
      return Verdict::ask_again(ReasonCode::qr_reused);
    }
    if (!crypto::constant_time_equal(token, qr.token))
      return Verdict::ask_again(ReasonCode::qr_superseded);
    if (!qr.expires_at || ctx.now > *qr.expires_at) {
      return Verdict::ask_again(ReasonCode::qr_expired);  // the retake shows a fresh token
    }
    used.push_back(token);
    if (bind) ctx.state.device = *scan.device;  // the device the identity is issued to
    return Verdict::advance();
  }
};

}  // namespace

const StepKind& qr_bind() {
  static const QrBind k;
  return k;
}

}  // namespace enroll::steps
