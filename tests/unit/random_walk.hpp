#pragma once
// A random walk over the pure engine: expected and unexpected commands, good and bad connector
// results, stale results, duplicates, timers, on any channel. Every choice comes from `Draw`,
// so the same walk runs from a seeded generator (engine_random_test.cpp) or from a fuzzer's
// bytes (tests/fuzz/engine_fuzz.cpp). Free of gtest: a broken property is returned as text.
#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tests/unit/principals.hpp"
#include "workflows/audit_chain.hpp"
#include "workflows/definition.hpp"
#include "workflows/engine.hpp"

namespace enroll::testing {

class RandomWalk {
 public:
  // A whole number from lo to hi, both included.
  using Draw = std::function<int(int lo, int hi)>;

  // Sees every event fed and the engine's outcome of it (e.g. to check the emitted messages).
  using Observer = std::function<void(const Inbound&, const Outcome&)>;

  RandomWalk(const EngineConfig& config, Draw draw) : config_(config), draw_(std::move(draw)) {}

  void observe(Observer observer) { observer_ = std::move(observer); }

  // One random event; the state is kept.
  void step() {
    const int pick = uniform(0, 99);
    if (!state_) {
      start();
    } else if (state_->status() == Status::incident && pick < 30) {
      // An operator on duty: an incident is retried (a rewind or cancel now and then).
      const int action = uniform(0, 9);
      if (action < 8) {
        command(CommandType::operator_retry, OperatorAction{"op-1", "registry back", ""});
      } else if (action < 9) {
        command(CommandType::operator_cancel, OperatorAction{"op-1", "given up", ""});
      } else {
        const ChannelDefinition* def =
            config_.catalog->get(state_->channel, state_->definition_version);
        command(CommandType::operator_rewind,
                OperatorAction{"op-1", "from the start", def->steps.front().name});
      }
    } else if (pick < 45) {
      expected_command();
    } else if (pick < 75) {
      result_for_pending();
    } else if (pick < 82) {
      random_command();
    } else if (pick < 86) {
      stale_result();
    } else if (pick < 92 && last_id_) {
      // A duplicate: the same id again (the engine must ignore it whatever it carries).
      feed(Inbound{*last_id_, "/t", id_, last_type_, payload_for(last_type_), "", {}});
    } else if (pick < 99) {
      timer();
    } else {
      command(CommandType::registration_cancel, RegistrationCancel{"changed my mind"});
    }
  }

  // The timer event of the registration's next deadline, with the clock moved to it.
  void timer() {
    if (!state_) return;
    const auto due = state_->next_timer();
    if (!due) return;
    now_ = std::max(now_, *due);
    Inbound in{EventId("timer-" + std::to_string(++seq_)),
               "/t",
               id_,
               CommandType::timer,
               TimerFired{},
               "",
               {}};
    feed(std::move(in));
  }

  // An incident waits for an operator, not for time: when time alone should end a walk, the
  // operator cancels it.
  void cancel_incident() {
    if (state_ && state_->status() == Status::incident) {
      command(CommandType::operator_cancel, OperatorAction{"op-1", "closing the run", ""});
    }
  }

  // Moves the clock on (each event moves it by up to 5 s besides).
  void advance(std::chrono::milliseconds by) { now_ += by; }

  [[nodiscard]] const std::optional<Registration>& state() const { return state_; }

  // The first broken property of the state, or of a transition so far (every end releases
  // the citizen claim it holds); nullopt if none.
  [[nodiscard]] std::optional<std::string> broken_invariant() const {
    if (broken_) return broken_;
    if (!state_) return std::nullopt;
    const auto& s = *state_;
    if (!registration_state_from(to_string(s.position.state))) return "an unknown machine state";
    if (!step_state_from(to_string(s.stage))) return "an unknown step state";
    const ChannelDefinition* def = config_.catalog->get(s.channel, s.definition_version);
    if (def == nullptr) return "the definition " + s.channel + " is not loaded";
    if (def->find(s.step) == nullptr) return s.step + " not in " + s.channel;
    if (s.active()) {
      if (is_final(s.stage)) return s.channel + ": an active registration in a final step";
      if (!s.next_timer()) return "an active registration without a timer";
      if ((s.stage == StepState::awaiting_connector) != s.pending_request.has_value()) {
        return "awaiting a connector and a pending request disagree";
      }
    }
    if ((s.status() == Status::incident) != s.incident.has_value()) {
      return "an incident's details and its status disagree";
    }
    if (s.status() == Status::incident) {
      if (s.next_timer()) return "an incident with a timer (it waits for an operator)";
      if (s.pending_request) return "an incident with a pending request";
    }
    if (is_terminal(s.position.state)) {
      // Its only timer is the purge (retention), until it is a tombstone.
      if (s.purge_at.has_value() != config_.retain_finished.has_value()) {
        return "a finished registration's purge time disagrees with retention";
      }
      if (s.next_timer() != (s.purged() ? std::nullopt : s.purge_at)) {
        return "a finished registration waits for something else than its purge";
      }
      if (s.citizen_claimed) return "a finished registration still holds its claim";
    } else if (s.purge_at || s.purged()) {
      return "only a finished registration is purged";
    }
    return std::nullopt;
  }

  // The first broken link of the audit chain the walk's outcomes emitted; nullopt if whole.
  [[nodiscard]] std::optional<ChainBreak> audit_break() const { return verify_chain(audit_); }

  void start_with(const std::string& channel) {
    channel_ = channel;
    start();
  }

 private:
  int uniform(int lo, int hi) { return draw_(lo, hi); }
  bool coin(int percent) { return uniform(0, 99) < percent; }

  // `in` from its fitting sender (tests/unit/principals.hpp).
  void feed(Inbound in) {
    give_fitting_principal(in, state_ ? &*state_ : nullptr, *config_.catalog);
    now_ += std::chrono::milliseconds(uniform(1, 5000));
    const bool held = state_ && state_->citizen_claimed;
    Outcome out = apply(state_, in, now_, config_);  // must never throw
    if (observer_) observer_(in, out);
    for (const auto& e : out.effects) {
      if (const auto* r = std::get_if<AuditRecord>(&e)) audit_.push_back(audit_to_json(*r, true));
    }
    if (out.state) {
      if (held && !out.state->citizen_claimed && !releases_claim(out) && !broken_) {
        broken_ = "the citizen claim was dropped without a citizen.release (" +
                  std::string(to_string(in.type)) + " at " + out.state->step + ")";
      }
      state_ = std::move(out.state);
    }
    if (in.type != CommandType::timer && in.type != CommandType::task_result) {
      last_id_ = in.id;
      last_type_ = in.type;
    }
  }

  static bool releases_claim(const Outcome& out) {
    return std::any_of(out.effects.begin(), out.effects.end(), [](const Effect& e) {
      const auto* r = std::get_if<RequestTask>(&e);
      return r != nullptr && r->task == "citizen.release";
    });
  }

  void command(CommandType type, CommandPayload payload) {
    feed(Inbound{
        EventId("e" + std::to_string(++seq_)), "/t", id_, type, std::move(payload), "", {}});
  }

  void start() {
    RegistrationStart s{channel_, {"dev", "ios"}, std::nullopt, std::nullopt};
    if (channel_ != "self-service" && channel_ != "kiosk") {
      s.citizen_id = coin(90) ? "1101700203450" : "1101700203451";
      s.officer = Officer{"officer-1", "counter-7"};
    }
    command(CommandType::registration_start, std::move(s));
  }

  CommandPayload payload_for(CommandType t) {
    switch (t) {
      case CommandType::terms_accept:
        return TermsAccept{"2024-06"};
      case CommandType::permissions_grant:
        return PermissionsGrant{coin(80) ? std::vector<std::string>{"camera"}
                                         : std::vector<std::string>{}};
      case CommandType::card_front_capture:
      case CommandType::card_back_capture:
      case CommandType::selfie_capture:
        return ImageCapture{ImageRef("img://x")};
      case CommandType::card_data_confirm:
        return CardDataConfirm{coin(80)};
      case CommandType::citizen_id_enter:
        return CitizenIdEnter{coin(80) ? "1101700203450" : "1234567890123"};
      case CommandType::fingerprint_capture:
        return FingerprintCapture{"fp://1", "right-index",
                                  state_ && state_->officer ? state_->officer->id : "officer-1"};
      case CommandType::qr_scan:
        return QrScan{coin(80) && state_ ? state_->captured.qr.token : std::string("1.2.3"),
                      coin(90) ? std::optional(Device{"phone-1", "android"}) : std::nullopt};
      case CommandType::passcode_set: {
        const std::string p = coin(75) ? "13572468" : "12345678";
        return PasscodeSet{SecretString(p), SecretString(coin(90) ? p : "13572469"),
                           "set-passcode"};
      }
      case CommandType::consent_confirm:
        return ConsentConfirm{SecretString(coin(75) ? "13572468" : "24681357"), "confirm-consent"};
      case CommandType::registration_cancel:
        return RegistrationCancel{"bye"};
      case CommandType::registration_start:
        return RegistrationStart{
            channel_, {"dev", "ios"}, "1101700203450", Officer{"officer-1", "counter-7"}};
      default:
        return TermsAccept{"x"};
    }
  }

  void expected_command() {
    const ChannelDefinition* def =
        config_.catalog->get(state_->channel, state_->definition_version);
    const StepDef* step = def ? def->find(state_->step) : nullptr;
    if (step == nullptr || step->expects.empty()) return random_command();
    const auto t = step->expects[static_cast<std::size_t>(
        uniform(0, static_cast<int>(step->expects.size()) - 1))];
    command(t, payload_for(t));
  }

  void random_command() {
    static const std::vector<CommandType> all{CommandType::terms_accept,
                                              CommandType::permissions_grant,
                                              CommandType::card_front_capture,
                                              CommandType::card_back_capture,
                                              CommandType::selfie_capture,
                                              CommandType::card_data_confirm,
                                              CommandType::citizen_id_enter,
                                              CommandType::fingerprint_capture,
                                              CommandType::qr_scan,
                                              CommandType::passcode_set,
                                              CommandType::consent_confirm,
                                              CommandType::registration_start};
    const auto t = all[static_cast<std::size_t>(uniform(0, static_cast<int>(all.size()) - 1))];
    if (t == CommandType::registration_start) return start();
    command(t, payload_for(t));
  }

  nlohmann::json outputs_for(const std::string& task, bool good) {
    if (task == "card.front.ocr" || task == "card.chip.read" || task == "card.counter.read") {
      nlohmann::json o{{"citizen_id", good ? "1101700203450" : "1101700203451"},
                       {"first_name", "A"},
                       {"last_name", "B"},
                       {"date_of_birth", "1990-05-17"},
                       {"sharpness", good ? 0.9 : 0.1}};
      if (task != "card.front.ocr") o["laser_code"] = "JT0123456789";
      return o;
    }
    if (task == "card.back.ocr") return {{"laser_code", good ? "JT0123456789" : "X"}};
    if (task == "face.liveness") return {{"liveness", good ? 0.9 : 0.2}};
    if (task == "face.match" || task == "fingerprint.match") return {{"score", good ? 0.9 : 0.1}};
    if (task == "card.verify") {
      return {
          {"code", good ? 0 : std::vector<int>{4, 5, 7}[static_cast<std::size_t>(uniform(0, 2))]},
          {"card_status", good || coin(50) ? "valid" : "revoked"}};
    }
    if (task == "review.request") {
      return {{"decision", good ? "approve" : "reject"},
              {"officer_id", state_ && state_->officer ? state_->officer->id : "officer-1"}};
    }
    if (task == "qr.display" || task == "pairing.display") return {{"displayed", true}};
    if (task == "identity.status") return {{"enrolled", good}};
    if (task == "citizen.claim") return {{"claimed", good}};
    return {{"digital_id", good ? "DID-1" : ""}};
  }

  void result_for_pending() {
    if (!state_ || !state_->pending_request) return timer();
    const ChannelDefinition* def =
        config_.catalog->get(state_->channel, state_->definition_version);
    const StepDef* step = def ? def->find(state_->step) : nullptr;
    if (step == nullptr || !step->task) return random_command();
    TaskResult r;
    r.request_id = *state_->pending_request;
    r.task = step->task->name;
    const int roll = uniform(0, 99);
    if (roll < 70) {
      r.outputs = outputs_for(r.task, true);
    } else if (roll < 85) {
      r.outputs = outputs_for(r.task, false);
    } else if (roll < 93) {
      r.status = TaskStatus::retryable;
      r.error = TaskError{"unavailable", ""};
    } else {
      r.status = TaskStatus::failed;
      r.error = TaskError{coin(50) ? "unavailable" : "blurry", ""};
    }
    if (r.status == TaskStatus::ok) stale_ = r.request_id;
    command(CommandType::task_result, std::move(r));
  }

  void stale_result() {
    TaskResult r;
    r.request_id = stale_.empty() ? RequestId("nobody/asked/0.1") : stale_;
    r.task = "card.verify";
    r.outputs = outputs_for(r.task, true);
    command(CommandType::task_result, std::move(r));
  }

  const EngineConfig& config_;
  Draw draw_;
  Observer observer_;
  std::string channel_ = "self-service";
  RegistrationId id_{"reg-random"};
  std::optional<Registration> state_;
  std::optional<EventId> last_id_;
  CommandType last_type_ = CommandType::terms_accept;
  RequestId stale_;
  Timestamp now_{std::chrono::milliseconds(1'800'000'000'000)};
  int seq_ = 0;
  std::vector<nlohmann::json> audit_;  // every audit record emitted, in order
  std::optional<std::string> broken_;  // the first broken property of a transition
};

}  // namespace enroll::testing
