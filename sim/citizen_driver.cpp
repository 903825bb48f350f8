#include "sim/citizen_driver.hpp"

#include "adapters/codec/envelope.hpp"
#include "sim/channel_start.hpp"
#include "workflows/domain/passcode_policy.hpp"
#include "workflows/reason.hpp"

namespace enroll::sim {
namespace {

constexpr const char* kWeakPasscode = "12345678";  // an ascending run: refused by the policy

std::string wrong_passcode_for(std::uint64_t n, const std::string& right) {
  for (std::uint64_t k = n + 1'000'003;; ++k) {
    std::string p = passcode_for(k);
    if (p != right) return p;
  }
}

}  // namespace

std::string_view to_string(Outcome o) {
  switch (o) {
    case Outcome::pending:
      return "pending";
    case Outcome::issued:
      return "issued";
    case Outcome::rejected:
      return "rejected";
    case Outcome::locked:
      return "locked";
    case Outcome::expired:
      return "expired";
    case Outcome::cancelled:
      return "cancelled";
    case Outcome::failed_to_start:
      return "failed_to_start";
    case Outcome::incident:
      return "incident";
  }
  return "?";
}

std::string passcode_for(std::uint64_t n) {
  for (std::uint64_t k = n * 7919 + 13;; ++k) {
    std::string p = std::to_string(10'000'000 + (k * 2654435761ULL) % 90'000'000);
    if (!check_passcode(SecretString(p), SecretString(p), PasscodePolicy{})) return p;
  }
}

CitizenDriver::CitizenDriver(const trust::Signers& signers, crypto::SealPublicKey passcode_key,
                             std::string source, std::string channel, PersonaSettings personas)
    : signers_(signers),
      key_(passcode_key),
      source_(std::move(source)),
      channel_(std::move(channel)),
      personas_(std::move(personas)) {}

Command CitizenDriver::command(const std::string& id, Journey& j, const std::string& type,
                               nlohmann::json data) {
  // The id names the registration and the journey's step count: unique per producer and
  // the same if the simulator answered the same event twice.
  const std::string event_id = id + "/c" + std::to_string(j.commands++);
  // What the officer vouches for (a start naming them, the counter's fingerprint) is their
  // console's to sign; the rest is the citizen's, through the channel's back-end.
  const bool officer =
      type == "fingerprint.capture" || (type == "registration.start" && data.contains("officer"));
  const trust::Signer& signer = officer
                                    ? signers_.get(PrincipalName(trust::kOfficerConsolePrincipal))
                                    : signers_.for_channel(j.channel);
  return Command{
      id, codec::inbox_envelope({event_id, source_, type, id}, std::move(data), signer).dump()};
}

Command CitizenDriver::start(const std::string& id, std::uint64_t n) {
  return start(id, n, channel_);
}

Command CitizenDriver::start(const std::string& id, std::uint64_t n, const std::string& channel) {
  return start(id, n, channel, draw_persona(n, personas_));
}

Command CitizenDriver::start(const std::string& id, std::uint64_t n, const std::string& channel,
                             Persona persona) {
  Journey j;
  j.channel = channel;
  j.n = n;
  j.citizen = journey_citizen(channel, id, n);
  j.passcode = passcode_for(n);
  j.persona = persona;
  j.started_at = std::chrono::steady_clock::now();
  auto& stored = journeys_[id] = std::move(j);
  return command(id, stored, "registration.start", start_data(channel, n, stored.citizen));
}

bool CitizenDriver::fire(Journey& j, Persona p) {
  if (j.persona != p || j.persona_fired) return false;
  j.persona_fired = true;
  return true;
}

std::optional<Command> CitizenDriver::scan_qr(const std::string& id, Journey& j) {
  if (j.qr_token.empty() || j.qr_used) {
    j.qr_waiting = true;  // the officer's screen has not shown a fresh token yet
    return std::nullopt;
  }
  j.qr_waiting = false;
  j.qr_used = true;
  // The citizen's own phone scans it: the device the identity is issued to.
  return command(id, j, "qr.scan",
                 {{"token", j.qr_token},
                  {"device", {{"id", "device-" + std::to_string(j.n)}, {"platform", "android"}}}});
}

std::optional<Command> CitizenDriver::answer(const std::string& id, Journey& j,
                                             const std::string& expects) {
  const auto& c = j.citizen;
  if (expects == "terms.accept") return command(id, j, expects, {{"terms_version", "2024-06"}});
  if (expects == "permissions.grant") {
    return command(id, j, expects, {{"permissions", {"camera", "nfc"}}});
  }
  if (expects == "card.front.capture") {
    return command(id, j, expects, {{"image_ref", card_front_ref(c, ++j.fronts)}});
  }
  if (expects == "card.back.capture") {
    return command(id, j, expects, {{"image_ref", card_back_ref(c, ++j.backs)}});
  }
  if (expects == "card.data.confirm") {
    return command(id, j, expects, {{"confirmed", !fire(j, Persona::unconfirm_card_once)}});
  }
  if (expects == "citizen_id.enter") return command(id, j, expects, {{"citizen_id", c.citizen_id}});
  if (expects == "selfie.capture") {
    return command(id, j, expects, {{"image_ref", selfie_ref(c, ++j.selfies)}});
  }
  if (expects == "fingerprint.capture") {  // on behalf of the officer's scanner, naming them
    nlohmann::json data{{"template_ref", fingerprint_ref(c, ++j.fingerprints)},
                        {"finger", "right-index"}};
    const auto start = start_data(j.channel, j.n, c);
    if (start.contains("officer")) data["officer"] = {{"id", start["officer"]["id"]}};
    return command(id, j, expects, std::move(data));
  }
  if (expects == "qr.scan") return scan_qr(id, j);
  if (expects == "passcode.set") {
    const std::string p = fire(j, Persona::weak_passcode_once) ? kWeakPasscode : j.passcode;
    return command(id, j, expects,
                   {{"sealed", crypto::seal_passcode(id, j.step, p, key_)},
                    {"sealed_repeat", crypto::seal_passcode(id, j.step, p, key_)}});
  }
  if (expects == "consent.confirm") {
    const std::string p =
        fire(j, Persona::wrong_passcode_once) ? wrong_passcode_for(j.n, j.passcode) : j.passcode;
    return command(id, j, expects, {{"sealed", crypto::seal_passcode(id, j.step, p, key_)}});
  }
  return std::nullopt;  // a command this simulator does not know
}

std::vector<Command> CitizenDriver::on_event(const nlohmann::json& event) {
  if (!event.is_object()) return {};
  const std::string id = event.value("subject", "");
  auto it = journeys_.find(id);
  if (it == journeys_.end() || !seen_.insert(event.value("id", "")).second) return {};
  Journey& j = it->second;
  const std::string type = event.value("type", "");
  const auto& data = event.contains("data") && event["data"].is_object() ? event["data"]
                                                                         : nlohmann::json::object();
  // The cool-down is over, an operator resumed an incident, or a held registration ended
  // (cancelled): carry on with the news.
  const bool ended = type == "registration.cancelled" || type == "registration.rejected" ||
                     type == "registration.expired";
  const bool resumed =
      (j.outcome == Outcome::locked && (type == "registration.awaiting" || ended)) ||
      (j.outcome == Outcome::incident &&
       (type == "registration.awaiting" || type == "step.completed" || ended));
  if (resumed) {
    j.outcome = Outcome::pending;
    --finished_;
  }
  if (j.outcome != Outcome::pending) return {};
  const auto finish = [&](Outcome o) {
    j.outcome = o;
    j.reason = reason_text(data.value("reason", nlohmann::json()));
    j.finished_at = std::chrono::steady_clock::now();
    ++finished_;
  };
  if (type == "command.rejected") {
    // A refused start leaves no registration behind: nothing else will come.
    if (!j.acknowledged && data.value("command", "") == "registration.start") {
      finish(Outcome::failed_to_start);
    }
    return {};
  }
  j.acknowledged = true;
  if (type == "registration.awaiting") {
    j.step = data.value("step", "");  // what a sealed passcode is bound to
    if (data.value("phase", "") == "biometrics" && fire(j, Persona::cancel)) {
      return {command(id, j, "registration.cancel", {{"reason", "citizen changed their mind"}})};
    }
    for (const auto& e : data.value("expects", nlohmann::json::array())) {
      if (!e.is_string()) continue;
      if (auto cmd = answer(id, j, e.get<std::string>())) return {std::move(*cmd)};
    }
    return {};
  }
  if (type == "registration.issued") finish(Outcome::issued);
  if (type == "registration.rejected") finish(Outcome::rejected);
  if (type == "registration.locked") finish(Outcome::locked);
  if (type == "registration.incident") finish(Outcome::incident);
  if (type == "registration.expired") finish(Outcome::expired);
  if (type == "registration.cancelled") finish(Outcome::cancelled);
  return {};
}

std::vector<Command> CitizenDriver::on_request(const nlohmann::json& request) {
  if (!request.is_object() || request.value("type", "") != "task.request") return {};
  const auto it = journeys_.find(request.value("subject", ""));
  if (it == journeys_.end() || !request.contains("data") || !request["data"].is_object()) {
    return {};
  }
  const auto& data = request["data"];
  // The code on the officer's screen, or on the kiosk's (pairing).
  const std::string task = data.value("task", "");
  if (task != "qr.display" && task != "pairing.display") return {};
  const auto inputs = data.value("inputs", nlohmann::json::object());
  const std::string token = inputs.is_object() ? inputs.value("token", "") : "";
  Journey& j = it->second;
  if (token.empty() || token == j.qr_token) return {};  // a redelivered request
  j.qr_token = token;
  j.qr_used = false;
  if (!j.qr_waiting || j.outcome != Outcome::pending) return {};
  if (auto cmd = scan_qr(it->first, j)) return {std::move(*cmd)};
  return {};
}

std::map<Outcome, std::size_t> CitizenDriver::outcome_counts() const {
  std::map<Outcome, std::size_t> counts;
  for (const auto& [id, j] : journeys_) ++counts[j.outcome];
  return counts;
}

std::map<std::string, ChannelStats> CitizenDriver::channel_stats() const {
  std::map<std::string, ChannelStats> out;
  std::map<std::string, std::size_t> finished;
  for (const auto& [id, j] : journeys_) {
    auto& s = out[j.channel];
    ++s.registrations;
    ++s.outcomes[j.outcome];
    if (j.persona != Persona::none) ++s.personas[j.persona];
    if (j.outcome == Outcome::failed_to_start && s.start_rejected_reason.empty()) {
      s.start_rejected_reason = j.reason;
    }
    if (j.outcome != Outcome::pending && j.outcome != Outcome::failed_to_start) {
      s.mean_duration_s += std::chrono::duration<double>(j.finished_at - j.started_at).count();
      ++finished[j.channel];
    }
  }
  for (auto& [channel, s] : out) {
    if (finished[channel] > 0) s.mean_duration_s /= static_cast<double>(finished[channel]);
  }
  return out;
}

std::size_t CitizenDriver::cannot_issue() const {
  std::size_t n = 0;
  for (const auto& [id, j] : journeys_) n += prevents_issue(j.persona) ? 1 : 0;
  return n;
}

double CitizenDriver::mean_duration_s() const {
  double total = 0;
  std::size_t n = 0;
  for (const auto& [id, j] : journeys_) {
    if (j.outcome == Outcome::pending) continue;
    total += std::chrono::duration<double>(j.finished_at - j.started_at).count();
    ++n;
  }
  return n == 0 ? 0.0 : total / static_cast<double>(n);
}

std::optional<Outcome> CitizenDriver::outcome_of(const std::string& id) const {
  const auto it = journeys_.find(id);
  if (it == journeys_.end()) return std::nullopt;
  return it->second.outcome;
}

std::optional<Persona> CitizenDriver::persona_of(const std::string& id) const {
  const auto it = journeys_.find(id);
  if (it == journeys_.end()) return std::nullopt;
  return it->second.persona;
}

}  // namespace enroll::sim
