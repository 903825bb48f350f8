#include "connectors/sim/citizen_driver.hpp"

#include "workflows/domain/passcode_policy.hpp"

namespace enroll::sim {

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
  }
  return "?";
}

std::string passcode_for(std::uint64_t n) {
  for (std::uint64_t k = n * 7919 + 13;; ++k) {
    std::string p = std::to_string(10'000'000 + (k * 2654435761ULL) % 90'000'000);
    if (!check_passcode(SecretString(p), SecretString(p), PasscodePolicy{})) return p;
  }
}

CitizenDriver::CitizenDriver(crypto::SealPublicKey passcode_key, std::string source,
                             std::string channel)
    : key_(passcode_key), source_(std::move(source)), channel_(std::move(channel)) {}

Command CitizenDriver::command(const std::string& id, Journey& j, const std::string& type,
                               nlohmann::json data) {
  // The id names the registration and the journey's step count: unique per producer and
  // the same if the simulator answered the same event twice.
  const std::string event_id = id + "/c" + std::to_string(j.commands++);
  return Command{id, nlohmann::json{{"specversion", "1.0"},
                                    {"id", event_id},
                                    {"source", source_},
                                    {"type", type},
                                    {"subject", id},
                                    {"datacontenttype", "application/json"},
                                    {"data", std::move(data)}}
                         .dump()};
}

Command CitizenDriver::start(const std::string& id, std::uint64_t n) {
  Journey j;
  j.citizen = citizen(n);
  j.passcode = passcode_for(n);
  j.started_at = std::chrono::steady_clock::now();
  auto& stored = journeys_[id] = std::move(j);
  return command(id, stored, "registration.start",
                 {{"channel", channel_},
                  {"device", {{"id", "device-" + std::to_string(n)}, {"platform", "android"}}}});
}

std::optional<Command> CitizenDriver::answer(const std::string& id, Journey& j,
                                             const std::string& expects, const std::string&) {
  const auto& c = j.citizen;
  if (expects == "terms.accept") return command(id, j, expects, {{"terms_version", "2024-06"}});
  if (expects == "card.front.capture") {
    return command(id, j, expects, {{"image_ref", card_front_ref(c)}});
  }
  if (expects == "card.back.capture") {
    return command(id, j, expects, {{"image_ref", card_back_ref(c)}});
  }
  if (expects == "card.data.confirm") return command(id, j, expects, {{"confirmed", true}});
  if (expects == "selfie.capture") {
    return command(id, j, expects, {{"image_ref", selfie_ref(c, ++j.selfies)}});
  }
  if (expects == "passcode.set") {
    return command(id, j, expects,
                   {{"sealed", crypto::seal(j.passcode, key_)},
                    {"sealed_repeat", crypto::seal(j.passcode, key_)}});
  }
  if (expects == "consent.confirm") {
    return command(id, j, expects, {{"sealed", crypto::seal(j.passcode, key_)}});
  }
  if (expects == "citizen_id.enter") return command(id, j, expects, {{"citizen_id", c.citizen_id}});
  if (expects == "permissions.grant") {
    return command(id, j, expects, {{"permissions", {"camera", "nfc"}}});
  }
  return std::nullopt;  // a step this citizen cannot do (e.g. an officer's)
}

std::vector<Command> CitizenDriver::on_event(const nlohmann::json& event) {
  const std::string id = event.value("subject", "");
  auto it = journeys_.find(id);
  if (it == journeys_.end() || !seen_.insert(event.value("id", "")).second) return {};
  Journey& j = it->second;
  if (j.outcome != Outcome::pending) return {};
  const std::string type = event.value("type", "");
  const auto& data = event.contains("data") ? event["data"] : nlohmann::json::object();
  const auto finish = [&](Outcome o) {
    j.outcome = o;
    j.reason = data.value("reason", "");
    j.finished_at = std::chrono::steady_clock::now();
    ++finished_;
  };
  if (type == "registration.awaiting") {
    std::vector<Command> out;
    for (const auto& e : data.value("expects", nlohmann::json::array())) {
      if (auto cmd = answer(id, j, e.get<std::string>(), event.value("id", ""))) {
        out.push_back(std::move(*cmd));
        break;
      }
    }
    return out;
  }
  if (type == "registration.issued") finish(Outcome::issued);
  if (type == "registration.rejected") finish(Outcome::rejected);
  if (type == "registration.locked") finish(Outcome::locked);
  if (type == "registration.expired") finish(Outcome::expired);
  if (type == "registration.cancelled") finish(Outcome::cancelled);
  return {};
}

std::map<Outcome, std::size_t> CitizenDriver::outcome_counts() const {
  std::map<Outcome, std::size_t> counts;
  for (const auto& [id, j] : journeys_) ++counts[j.outcome];
  return counts;
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

}  // namespace enroll::sim
