#include "workflows/engine.hpp"

#include <algorithm>
#include <stdexcept>
#include <type_traits>

#include "workflows/authorise.hpp"
#include "workflows/crypto/base64.hpp"
#include "workflows/crypto/hashing.hpp"
#include "workflows/domain/citizen_id.hpp"
#include "workflows/reason.hpp"
#include "workflows/steps/step_kind.hpp"

namespace enroll {
namespace {

using nlohmann::json;

std::string position(const Registration& s) {
  if (!s.active()) return std::string(to_string(s.status()));
  return std::string(to_string(s.phase)) + "/" + s.step;
}

// Who acted, for the audit: the verified principal, and the officer or operator it vouches for
// (a name in the data of another role's message is no one's word).
AuditActor actor_of(const Inbound& ev) {
  const auto& p = ev.principal;
  AuditActor actor{p.name.str(), std::string(to_string(p.role)), p.key_id, "", ""};
  if (p.role == Role::officer_console) actor.officer = named_officer(ev);
  const auto* op = std::get_if<OperatorAction>(&ev.payload);
  if (p.role == Role::operator_ && op != nullptr) actor.operator_id = op->operator_id;
  return actor;
}

void remember(Registration& s, const EventId& id, std::size_t window) {
  s.applied.push_back(id.str());
  if (s.applied.size() > window) {
    s.applied.erase(s.applied.begin(),
                    s.applied.begin() + static_cast<std::ptrdiff_t>(s.applied.size() - window));
  }
}

// Builds the outcome of one event for one registration: the transitions and their effects.
class Transition {
 public:
  // `def` is null only for a finished registration's timer: the purge needs no definition.
  Transition(Registration state, const ChannelDefinition* def, const Inbound& ev, Timestamp now,
             const EngineConfig& cfg)
      : s_(std::move(state)), def_(def), ev_(ev), now_(now), cfg_(cfg) {}

  Outcome finish() && {
    // A timer that found nothing due changes nothing (the shell reschedules it).
    if (effects_.empty() && ev_.type == CommandType::timer) return Outcome{};
    // One that acted is remembered like a command: the shell may have written the same timer
    // to the inbox twice (it re-arms a fired timer whenever the state is stored before the
    // timer is read back), and a second copy acting later would emit events under the first
    // copy's ids. (Not a refused one: a forgery must not take a genuine timer's id.)
    if (ev_.type == CommandType::timer && !refused_) remember(s_, ev_.id, cfg_.dedupe_window);
    s_.updated_at = now_;
    return Outcome{std::move(s_), std::move(effects_), false};
  }

  void start() {
    s_.position =
        RegistrationPosition{phase_state(def_->steps.front().phase), RegistrationState::consent};
    s_.expires_at = now_ + def_->expire_after;
    emit(events::Started{s_.channel, s_.definition_version, s_.device});
    enter_step(0, {}, "started");
  }

  void on_command() {
    if (ev_.type == CommandType::registration_cancel) {
      const auto& c = std::get<RegistrationCancel>(ev_.payload);
      end<events::Cancelled>(reg::Cancel{}, {ReasonCode::cancelled_by_citizen, c.reason},
                             "cancelled");
      return;
    }
    const StepDef& step = current_step();
    const bool expected =
        s_.stage == StepState::awaiting_input &&
        std::find(step.expects.begin(), step.expects.end(), ev_.type) != step.expects.end();
    if (!expected) {
      reject_command({ReasonCode::unexpected_command, std::string(to_string(ev_.type)) +
                                                          " at step " + s_.step + " (" +
                                                          std::string(to_string(s_.stage)) + ")"});
      return;
    }
    apply_verdict(run_kind(step, [&](StepContext& ctx) { return kind(step).on_command(ctx); }));
  }

  void on_result() {
    const auto& r = std::get<TaskResult>(ev_.payload);
    if (!s_.active() || s_.stage != StepState::awaiting_connector || !s_.pending_request ||
        *s_.pending_request != r.request_id) {
      // Late (after a retry, a retake or the end) or unknown: ignored, but on the record.
      audit(position(s_), position(s_), "ignored_late_result:" + r.request_id.str());
      return;
    }
    const StepDef& step = current_step();
    if (r.status == TaskStatus::retryable ||
        (r.status == TaskStatus::failed && r.error && step.retry.retryable(r.error->code))) {
      retry_or_fail(step, r.error ? r.error->code : "retryable");
      return;
    }
    apply_verdict(run_kind(step, [&](StepContext& ctx) { return kind(step).on_result(ctx, r); }));
  }

  // operator.retry / rewind / cancel, on an active, locked or incident registration.
  void on_operator() {
    const auto& op = std::get<OperatorAction>(ev_.payload);
    if (ev_.type == CommandType::operator_cancel) {
      end<events::Cancelled>(reg::Cancel{}, {ReasonCode::operator_cancel, op.reason},
                             "operator_cancel: " + op.reason);
      return;
    }
    const bool locked = s_.status() == Status::locked;
    const bool incident = s_.status() == Status::incident;
    const auto from = position(s_);
    const std::size_t current = def_->index_of(locked ? s_.locked_step : s_.step).value();
    if (ev_.type == CommandType::operator_retry) {
      // The step again from its start, with its tries and its task attempts renewed.
      if (locked) leave_lock();
      if (incident) leave_incident();
      s_.tries_used.erase(def_->steps.at(current).name);
      enter_step(current, ReasonCode::operator_retry, "operator_retry: " + op.reason, from);
      return;
    }
    const auto target = def_->index_of(op.to_step);
    if (!target) {
      reject_command({ReasonCode::unknown_step, op.to_step + " in " + s_.channel});
      return;
    }
    if (*target > current) {
      reject_command(
          {ReasonCode::rewind_forward, def_->steps.at(current).name + " to " + op.to_step});
      return;
    }
    if (locked) leave_lock();
    if (incident) leave_incident();
    // Everything captured from the target step on is forgotten and asked for again.
    for (std::size_t i = *target; i < def_->steps.size(); ++i) {
      for (const Slice slice : kind(def_->steps[i]).slices()) s_.captured.clear(slice);
      s_.tries_used.erase(def_->steps[i].name);
    }
    enter_step(*target, ReasonCode::operator_rewind, "operator_rewind: " + op.reason, from);
  }

  void on_timer() {
    if (s_.status() == Status::incident) return;  // waits for an operator: nothing is due
    if (!s_.active() && s_.status() != Status::locked) {
      // After the end only the purge can be due; a tombstone has nothing left to do.
      if (!s_.purged() && s_.purge_at && now_ >= *s_.purge_at) purge();
      return;
    }
    if (now_ >= s_.expires_at) {
      end<events::Expired>(reg::Expire{}, {ReasonCode::no_progress, to_rfc3339(s_.updated_at)},
                           "expired");
      return;
    }
    if (!s_.step_deadline || now_ < *s_.step_deadline) return;  // the deadline moved on
    if (s_.status() == Status::locked) {
      unlock();
      return;
    }
    const StepDef& step = current_step();
    if (s_.stage == StepState::awaiting_connector) {
      retry_or_fail(step, "timeout");  // the task's deadline passed
    } else if (s_.stage == StepState::retry_scheduled) {
      send_task(step, json::parse(s_.pending_inputs), s_.attempt + 1, "task_retried");
    }
  }

  // registration.start for a registration that exists: a hand-over if it is locked for one.
  void on_start_again() {
    const auto& cmd = std::get<RegistrationStart>(ev_.payload);
    if (s_.status() != Status::locked || s_.hand_over_channel.empty() ||
        cmd.channel != s_.hand_over_channel) {
      reject_command(ReasonCode::already_started);
      return;
    }
    const ChannelDefinition* target = cfg_.catalog->latest(cmd.channel);
    if (target == nullptr) {
      reject_command({ReasonCode::unknown_channel, cmd.channel});
      return;
    }
    if (target->start_requires_officer && !cmd.officer) {
      reject_command({ReasonCode::officer_required, "a hand-over to " + cmd.channel});
      return;
    }
    if (cmd.citizen_id && s_.citizen_id) {
      auto parsed = CitizenId::parse(*cmd.citizen_id);
      if (!std::holds_alternative<CitizenId>(parsed) ||
          std::get<CitizenId>(parsed).digits() != *s_.citizen_id) {
        reject_command(ReasonCode::officer_citizen_id_differs);
        return;
      }
    }
    const StepDef* first = nullptr;
    for (const auto& st : target->steps) {
      if (phase_state(st.phase) >= s_.position.held_in) {
        first = &st;
        break;
      }
    }
    if (first == nullptr) {
      reject_command({ReasonCode::no_step_to_take_over, cmd.channel});
      return;
    }
    move(reg::HandOver{});
    const auto from = s_.channel;
    def_ = target;
    s_.channel = target->channel;
    s_.definition_version = target->version;
    if (cmd.officer) s_.officer = cmd.officer;
    s_.hand_over_channel.clear();
    s_.locked_step.clear();
    s_.tries_used.clear();
    enter_step(def_->index_of(first->name).value(), Reason{ReasonCode::handed_over, from},
               "handed_over");
  }

  void reject_command(const Reason& reason) {
    emit(events::CommandRejected{reason, ev_.type});
    audit(position(s_), position(s_), "command_rejected");
  }

  // The sender may not send this (workflows/authorise.hpp): refused and on the record.
  void refuse(const std::string& why) {
    refused_ = true;
    emit(events::CommandRejected{{ReasonCode::not_authorised, why}, ev_.type});
    audit(position(s_), position(s_), "not_authorised: " + why);
  }

 private:
  const StepDef& current_step() const {
    const StepDef* step = def_->find(s_.step);
    if (step == nullptr) throw std::logic_error("step " + s_.step + " not in " + def_->channel);
    return *step;
  }
  static const StepKind& kind(const StepDef& step) { return *find_step_kind(step.kind); }

  // Runs one of `step`'s kind hooks; a kind that wrote a slice of captured data it does not
  // own (StepKind::slices) is a bug that a rewind would not undo: refused like any engine bug.
  template <class Hook>
  std::invoke_result_t<Hook&, StepContext&> run_kind(const StepDef& step, Hook&& hook) {
    const Captured before = s_.captured;
    StepContext ctx{s_, *def_, step, ev_, now_, cfg_};
    auto out = hook(ctx);
    if (!ctx.evidence.empty()) evidence_ = std::move(ctx.evidence);
    const auto owned = kind(step).slices();
    for (const Slice changed : s_.captured.changed_since(before)) {
      if (std::find(owned.begin(), owned.end(), changed) == owned.end()) {
        throw std::logic_error("step kind " + step.kind + " wrote the " +
                               std::string(to_string(changed)) + " slice, which it does not own");
      }
    }
    return out;
  }

  // Moves the registration machine; an illegal move is a bug in the engine, not bad input.
  void move(const RegistrationEvent& e) {
    auto next = registration_transition(s_.position, e);
    if (!next) throw std::logic_error("registration machine refused a move at " + position(s_));
    s_.position = *next;
  }
  void step_move(const StepEvent& e) {
    auto next = step_transition(s_.stage, e);
    if (!next) throw std::logic_error("step machine refused a move at " + position(s_));
    s_.stage = *next;
  }
  // Walks the registration machine phase by phase to the machine state of `phase`.
  void move_to_phase(RegistrationState phase) {
    const auto target = phase_state(phase);
    while (s_.position.state < target) move(reg::NextPhase{});
    while (s_.position.state > target) move(reg::PreviousPhase{});
  }

  void apply_verdict(const Verdict& v) {
    const StepDef& step = current_step();
    switch (v.kind) {
      case Verdict::Kind::advance:
        complete_step(step);
        return;
      case Verdict::Kind::start_task:
        send_task(step, v.task_inputs, 1, "task_requested");
        return;
      case Verdict::Kind::await_input:
        step_move(step::Retake{});
        s_.pending_request.reset();
        s_.step_deadline.reset();
        ask(step, reason_from_stored(s_.step_reason));
        audit(position(s_), position(s_), "awaiting_input");
        return;
      case Verdict::Kind::ask_again:
        retake(step, v.reason);
        return;
      case Verdict::Kind::go_back:
        retake(*def_->find(v.step), v.reason);
        return;
      case Verdict::Kind::retry_task:
        retry_or_fail(step, stored(v.reason));
        return;
      case Verdict::Kind::reject:
        end<events::Rejected>(reg::Reject{}, v.reason, "rejected");
        return;
    }
  }

  void complete_step(const StepDef& step) {
    step_move(step::Completed{});
    emit(events::StepCompleted{step.phase, step.name});
    const auto next = def_->index_of(step.name).value() + 1;
    if (next < def_->steps.size()) {
      enter_step(next, std::nullopt, "step_completed");
      return;
    }
    const auto from = position(s_);
    move_to_phase(RegistrationState::consent_confirm);
    move(reg::NextPhase{});  // consent-confirm → issued
    s_.phase = RegistrationState::issued;
    clear_step_wait();
    bump();
    emit(events::Issued{s_.captured.identity.digital_id});
    audit(from, position(s_), "issued");
    release_citizen();
    schedule_purge();
  }

  // A connector error that may go away: try again after a jittered backoff; once the retries
  // are spent, park the registration as an incident for an operator (or reject it, where the
  // definition says so).
  void retry_or_fail(const StepDef& step, const std::string& code) {
    const int next = s_.attempt + 1;
    const bool again = next <= step.retry.max_attempts;
    step_move(step::RetryableError{again});
    const auto at = now_ + step.retry.jittered_backoff(next, jitter_draw(step, next));
    emit(events::StepFailed{step.phase, step.name, step.task ? step.task->name : "", code, again,
                            s_.attempt, again ? std::optional(at) : std::nullopt});
    if (again) {
      s_.pending_request.reset();  // a result for the old attempt is late from now on
      s_.step_deadline = at;
      bump();
      audit(position(s_), position(s_), "retry_scheduled:" + code);
      return;
    }
    const Reason why{ReasonCode::task_failed,
                     (step.task ? step.task->name : step.name) + ": " + code};
    if (step.retry.on_exhausted == RetriesExhausted::reject) {
      end<events::Rejected>(reg::Reject{}, why, "rejected");
      return;
    }
    park(step, code, why);
  }

  // The full-jitter draw in [0, 1) for `attempt` of `step`: from the registration, the step's
  // entry and the attempt, so that a replay waits exactly as long.
  [[nodiscard]] double jitter_draw(const StepDef& step, int attempt) const {
    const auto digest =
        crypto::sha256_hex(s_.id.str() + "|" + step.name + "|" + std::to_string(s_.entries) + "|" +
                           std::to_string(attempt));
    const std::uint64_t bits = std::stoull(digest.substr(0, 16), nullptr, 16);
    return static_cast<double>(bits >> 11) / static_cast<double>(std::uint64_t{1} << 53);
  }

  // Active → incident at `step`: no deadline, no expiry; an operator's retry or rewind resumes
  // it, a cancel (operator's or citizen's) ends it.
  void park(const StepDef& step, const std::string& code, const Reason& why) {
    const auto from = position(s_);
    move(reg::Park{});
    s_.reason = stored(why);
    s_.incident = Incident{step.task ? step.task->name : "", code, now_, s_.attempt};
    clear_step_wait();
    bump();
    emit(events::Incident{why, step.phase, step.name, s_.incident->task, code, s_.attempt});
    audit(from, position(s_), "incident:" + code);
  }

  // Incident → the phase it was parked in; returns the index of the step it was parked at.
  std::size_t leave_incident() {
    const auto step = def_->index_of(s_.step);
    if (!step) throw std::logic_error("incident step " + s_.step + " unknown");
    move(reg::Resume{});
    s_.incident.reset();
    s_.reason.clear();
    return *step;
  }

  // One more try at `step` (which may be an earlier one), unless its tries are exhausted.
  void retake(const StepDef& step, const Reason& reason) {
    const int used = ++s_.tries_used[step.name];
    if (step.tries > 0 && used >= step.tries) {
      exhaust(step, {ReasonCode::attempts_exhausted, step.name + ": " + stored(reason)});
      return;
    }
    enter_step(def_->index_of(step.name).value(), reason, "retake");
  }

  void exhaust(const StepDef& step, const Reason& why) {
    switch (step.on_exhausted.action) {
      case Exhaustion::reject:
        end<events::Rejected>(reg::Reject{}, why, "rejected");
        return;
      case Exhaustion::lock:
      case Exhaustion::hand_over: {
        const auto from = position(s_);
        move_to_phase(step.phase);
        move(reg::Lock{});
        s_.phase = step.phase;
        s_.step = step.name;
        s_.locked_step = step.name;
        s_.reason = stored(why);
        s_.pending_request.reset();
        events::Locked locked{why, step.phase, step.name, std::nullopt, std::nullopt};
        if (step.on_exhausted.action == Exhaustion::lock) {
          s_.step_deadline = now_ + step.on_exhausted.cool_down;
          locked.until = s_.step_deadline;
        } else {
          s_.step_deadline.reset();  // waits for an officer; expiry still applies
          s_.hand_over_channel = step.on_exhausted.channel;
          locked.hand_over = step.on_exhausted.channel;
        }
        bump();
        emit(std::move(locked));
        audit(from, position(s_), "locked");
        return;
      }
    }
  }

  void unlock() {
    const auto from = position(s_);
    const std::size_t step = leave_lock();
    s_.tries_used.erase(def_->steps.at(step).name);
    enter_step(step, ReasonCode::cool_down_over, "unlocked", from);
  }

  // Locked → the phase it was locked in; returns the index of the step that locked it.
  std::size_t leave_lock() {
    const auto step = def_->index_of(s_.locked_step);
    if (!step) throw std::logic_error("locked step " + s_.locked_step + " unknown");
    move(reg::Unlock{});
    s_.locked_step.clear();
    s_.hand_over_channel.clear();
    s_.reason.clear();
    return *step;
  }

  // `came_from`: where the audit record says the registration was (default: here and now).
  void enter_step(std::size_t index, const std::optional<Reason>& reason,
                  const std::string& outcome, std::optional<std::string> came_from = std::nullopt) {
    const StepDef& step = def_->steps.at(index);
    const auto from = came_from ? *came_from : position(s_);
    move_to_phase(step.phase);
    s_.phase = step.phase;
    s_.step = step.name;
    s_.attempt = 0;
    ++s_.entries;
    s_.step_reason = reason ? stored(*reason) : "";
    step_move(step::Restart{});  // entering a step restarts its machine
    clear_step_wait();
    if (step.expects.empty() || kind(step).starts_with_task()) {
      json inputs =
          run_kind(step, [&](const StepContext& ctx) { return kind(step).task_inputs(ctx); });
      send_task(step, std::move(inputs), 1, outcome, from, s_.step_reason);
      return;
    }
    bump();
    ask(step, reason);
    audit(from, position(s_), outcome);
  }

  // registration.awaiting: what the channel should ask the citizen for now.
  void ask(const StepDef& step, const std::optional<Reason>& reason) {
    const int used = s_.tries_used.count(step.name) ? s_.tries_used.at(step.name) : 0;
    emit(events::Awaiting{step.phase, step.name, step.expects,
                          step.tries > 0 ? std::optional(step.tries - used) : std::nullopt,
                          reason});
  }

  void send_task(const StepDef& step, json inputs, int attempt, const std::string& outcome,
                 std::optional<std::string> from = std::nullopt, const std::string& reason = "") {
    if (!from) from = position(s_);
    for (const auto& [k, v] : step.task->inputs.items()) inputs[k] = v;
    step_move(step::TaskSent{});
    s_.attempt = attempt;
    // Unique across re-entries (entries counts the steps entered) and attempts.
    s_.pending_request = task_request_id(cfg_, s_.id, step.name, s_.entries, attempt);
    s_.step_deadline = now_ + step.timeout;
    s_.pending_inputs = inputs.dump();
    bump();
    effects_.emplace_back(RequestTask{step.task->connector, step.task->name, *s_.pending_request,
                                      attempt, *s_.step_deadline, std::move(inputs)});
    audit(*from, position(s_), reason.empty() ? outcome : outcome + ":" + reason);
  }

  // `Event`: events::Rejected, Expired or Cancelled.
  template <typename Event>
  void end(const RegistrationEvent& e, const Reason& reason, const std::string& outcome) {
    const auto from = position(s_);
    move(e);
    s_.reason = stored(reason);
    s_.incident.reset();  // an incident ends with the registration (a cancel)
    clear_step_wait();
    bump();
    emit(Event{reason, s_.phase, s_.step});
    audit(from, position(s_), outcome);
    release_citizen();
    schedule_purge();
  }

  // Retention: the purge time is decided when the registration ends and kept in its state, so
  // the timer that purges it is a message of the log like every other (a replay purges alike).
  void schedule_purge() {
    if (cfg_.retain_finished) s_.purge_at = now_ + *cfg_.retain_finished;
  }

  // The finished registration becomes a tombstone: what it captured is dropped; the audit
  // chain goes on (on enroll.audit) with a record saying so. No event: the contract lists none.
  void purge() {
    const auto at = position(s_);
    s_ = tombstone(s_, now_);
    ++s_.state_version;
    audit(at, at, "purged");
  }

  void clear_step_wait() {
    s_.pending_request.reset();
    s_.step_deadline.reset();
  }

  // The one-active-registration claim ends with the registration (fire and forget: the
  // orchestrator's own connector answers nothing).
  void release_citizen() {
    if (!s_.citizen_claimed || !s_.citizen_id) return;
    s_.citizen_claimed = false;
    // The task's name is no step's (a step name has no dot): an id of its own.
    effects_.emplace_back(RequestTask{"orchestrator", "citizen.release",
                                      task_request_id(cfg_, s_.id, "citizen.release", 0, 1), 1,
                                      now_, citizen_claim_inputs(cfg_, *s_.citizen_id)});
  }

  void bump() {
    ++s_.state_version;
    s_.expires_at = now_ + def_->expire_after;  // progress postpones expiry
  }

  void emit(EventPayload payload) { effects_.emplace_back(EmitEvent{std::move(payload)}); }

  void audit(const std::string& from, const std::string& to, const std::string& outcome) {
    AuditRecord r;
    r.registration_id = s_.id;
    r.seq = ++s_.audit_seq;
    r.at = now_;
    r.actor = actor_of(ev_);
    r.cause = ev_.id;
    r.from = from;
    r.to = to;
    r.phase = std::string(to_string(s_.phase));
    r.step = s_.step;
    r.outcome = outcome;
    r.consent = newly_confirmed_consent();
    r.input_sha256 = ev_.input_sha256;
    r.inputs = decisive_inputs();
    r.prev_hash = s_.audit_head;
    r.hash = audit_hash(r);
    s_.audit_head = r.hash;
    effects_.emplace_back(std::move(r));
  }

  // What justified the move (README, audit trail): the inbound event's type, a task's name,
  // status and error code, and what the step kind said decided it (a score and its threshold,
  // a decision, a registry answer).
  nlohmann::json decisive_inputs() const {
    json j{{"event", std::string(to_string(ev_.type))}};
    if (const auto* r = std::get_if<TaskResult>(&ev_.payload)) {
      j["task"] = r->task;
      j["status"] = r->status == TaskStatus::ok          ? "ok"
                    : r->status == TaskStatus::retryable ? "retryable"
                                                         : "failed";
      if (r->error) j["error"] = r->error->code;
    }
    if (const auto* op = std::get_if<OperatorAction>(&ev_.payload); op && !op->to_step.empty()) {
      j["to_step"] = op->to_step;
    }
    for (const auto& [k, v] : evidence_.items()) j[k] = v;
    return j;
  }

  // The consent record, when this transition confirmed consent (the confirmation slice names
  // another event than the last record did): kept in the core, returned for the audit record.
  std::optional<ConsentRecord> newly_confirmed_consent() {
    const auto& confirmation = s_.captured.confirmation;
    if (!confirmation.confirmed_at ||
        (s_.consent && s_.consent->confirmed_by == confirmation.confirmed_by)) {
      return std::nullopt;
    }
    s_.consent = ConsentRecord{s_.captured.terms.terms_version, s_.captured.terms.accepted_at,
                               *confirmation.confirmed_at, confirmation.confirmed_by, "passcode"};
    return s_.consent;
  }

  Registration s_;
  const ChannelDefinition* def_;
  const Inbound& ev_;
  Timestamp now_;
  const EngineConfig& cfg_;
  std::vector<Effect> effects_;
  bool refused_ = false;            // refuse(): the sender may not send this
  json evidence_ = json::object();  // what the last step kind hook said decided it
};

Outcome rejected_without_state(const Inbound& ev, const Reason& reason) {
  Outcome out;
  out.effects.emplace_back(EmitEvent{events::CommandRejected{reason, ev.type}});
  return out;
}

Outcome start_registration(const Inbound& ev, Timestamp now, const EngineConfig& cfg) {
  const auto& cmd = std::get<RegistrationStart>(ev.payload);
  const ChannelDefinition* def = cfg.catalog->latest(cmd.channel);
  if (def == nullptr) return rejected_without_state(ev, {ReasonCode::unknown_channel, cmd.channel});
  if (def->start_requires_citizen_id && !cmd.citizen_id) {
    return rejected_without_state(ev, {ReasonCode::citizen_id_required, cmd.channel});
  }
  if (def->start_requires_officer && !cmd.officer) {
    return rejected_without_state(ev, {ReasonCode::officer_required, cmd.channel});
  }
  Registration s;
  s.id = ev.subject;
  s.channel = def->channel;
  s.definition_version = def->version;
  s.created_at = now;
  s.device = cmd.device;
  s.officer = cmd.officer;
  s.step = def->steps.front().name;
  s.phase = def->steps.front().phase;
  if (cmd.citizen_id) {
    // The check digit comes before any registry call.
    auto parsed = CitizenId::parse(*cmd.citizen_id);
    if (const auto* err = std::get_if<CitizenIdError>(&parsed)) {
      return rejected_without_state(ev,
                                    {ReasonCode::citizen_id_invalid, std::string(describe(*err))});
    }
    s.citizen_id = std::get<CitizenId>(parsed).digits();
  }
  remember(s, ev.id, cfg.dedupe_window);
  Transition t(std::move(s), def, ev, now, cfg);
  t.start();
  return std::move(t).finish();
}

}  // namespace

std::string citizen_hash(const EngineConfig& config, const std::string& citizen_id) {
  if (config.citizen_hash_keys.empty())
    throw std::logic_error("the engine has no citizen_hash key");
  return crypto::keyed_hash_hex(config.citizen_hash_keys.back().key, citizen_id);
}

std::vector<std::string> older_citizen_hashes(const EngineConfig& config,
                                              const std::string& citizen_id) {
  std::vector<std::string> out;
  const auto& keys = config.citizen_hash_keys;
  for (std::size_t i = 0; i + 1 < keys.size(); ++i) {
    out.push_back(crypto::keyed_hash_hex(keys[i].key, citizen_id));
  }
  return out;
}

json citizen_claim_inputs(const EngineConfig& config, const std::string& citizen_id) {
  json inputs{{"citizen_hash", citizen_hash(config, citizen_id)},
              {"citizen_hash_key", config.citizen_hash_keys.back().id}};
  if (auto older = older_citizen_hashes(config, citizen_id); !older.empty()) {
    inputs["older_citizen_hashes"] = std::move(older);
  }
  return inputs;
}

RequestId task_request_id(const EngineConfig& config, const RegistrationId& id,
                          std::string_view step, int entries, int attempt) {
  const auto mac = crypto::keyed_hash(config.request_id_key.key,
                                      id.str() + "|" + std::string(step) + "|" +
                                          std::to_string(entries) + "|" + std::to_string(attempt));
  return RequestId(crypto::to_base64url(std::span(mac).first<16>()));
}

std::array<unsigned char, 16> passcode_salt(const EngineConfig& config, const RegistrationId& id,
                                            const EventId& event) {
  return crypto::derive_salt(config.passcode_salt_key.key, id.str() + "/" + event.str());
}

Outcome apply(const std::optional<Registration>& current, const Inbound& event, Timestamp now,
              const EngineConfig& config) {
  if (!current) {
    if (event.type == CommandType::timer) return Outcome{};
    if (event.type != CommandType::registration_start) {
      return rejected_without_state(event, ReasonCode::unknown_registration);
    }
    if (auto why = refusal(event, nullptr, nullptr, *config.catalog)) {
      return rejected_without_state(event, {ReasonCode::not_authorised, *why});
    }
    return start_registration(event, now, config);
  }
  if (std::find(current->applied.begin(), current->applied.end(), event.id.str()) !=
      current->applied.end()) {
    Outcome dup;
    dup.duplicate = true;
    return dup;
  }
  const ChannelDefinition* def = config.catalog->get(current->channel, current->definition_version);
  if (auto why = refusal(event, &*current, def, *config.catalog)) {
    // Nothing changes but the audit chain: not even the inbound ids remembered, so that a
    // forged message cannot take the id of a genuine one still to come.
    Transition t(*current, def, event, now, config);
    t.refuse(*why);
    Outcome out = std::move(t).finish();
    out.state->updated_at = current->updated_at;
    return out;
  }
  Registration s = *current;
  if (event.type != CommandType::timer) remember(s, event.id, config.dedupe_window);
  if (def == nullptr && event.type == CommandType::timer) {
    // A due timer must not be answered by a refusal: the stored state would re-arm it, due,
    // for ever. A finished registration is purged all the same (the purge needs no
    // definition); an active one's deadline cannot be judged without it, so nothing changes
    // (the next command stores the state again and re-arms it, so loading the version back
    // heals it).
    if (!is_terminal(s.position.state)) return Outcome{};
    Transition t(std::move(s), nullptr, event, now, config);
    t.on_timer();
    return std::move(t).finish();
  }
  if (def == nullptr) {
    // The definition this registration started with is no longer loaded: refuse, keep state.
    Outcome out =
        rejected_without_state(event, {ReasonCode::definition_not_loaded,
                                       s.channel + " v" + std::to_string(s.definition_version)});
    out.state = std::move(s);
    return out;
  }
  Transition t(std::move(s), def, event, now, config);
  switch (event.type) {
    case CommandType::timer:
      t.on_timer();
      break;
    case CommandType::task_result:
      t.on_result();  // after the end, a result is late: audited, ignored
      break;
    case CommandType::registration_start:
      t.on_start_again();
      break;
    case CommandType::operator_retry:
    case CommandType::operator_rewind:
    case CommandType::operator_cancel:
      if (current->active() || current->held()) {
        t.on_operator();
      } else {
        t.reject_command(
            {ReasonCode::registration_not_active, std::string(to_string(current->status()))});
      }
      break;
    default:
      // A locked registration, or one in an incident, takes its cancellation only.
      if (current->active() ||
          (current->held() && event.type == CommandType::registration_cancel)) {
        t.on_command();
      } else {
        t.reject_command(
            {ReasonCode::registration_not_active, std::string(to_string(current->status()))});
      }
  }
  return std::move(t).finish();
}

std::optional<crypto::PasscodeWork> passcode_work(const Registration& state, const Inbound& event,
                                                  const EngineConfig& config) {
  if (!state.active() || state.stage != StepState::awaiting_input) return std::nullopt;
  const ChannelDefinition* def = config.catalog->get(state.channel, state.definition_version);
  if (refusal(event, &state, def, *config.catalog)) return std::nullopt;  // no work for it
  const StepDef* step = def != nullptr ? def->find(state.step) : nullptr;
  if (step == nullptr ||
      std::find(step->expects.begin(), step->expects.end(), event.type) == step->expects.end()) {
    return std::nullopt;
  }
  const StepKind* kind = find_step_kind(step->kind);
  return kind != nullptr ? kind->passcode_work(state, *step, event, config) : std::nullopt;
}

}  // namespace enroll
