#include "workflows/engine.hpp"

#include <algorithm>

#include "workflows/domain/citizen_id.hpp"
#include "workflows/steps/step_kind.hpp"

namespace enroll {
namespace {

using nlohmann::json;

std::string position(const RegistrationState& s) {
  return std::string(to_string(s.phase)) + "/" + s.step;
}

ActorKind actor_of(const Inbound& ev) {
  return ev.type == CommandType::task_result ? ActorKind::connector : ActorKind::citizen;
}

// Builds the outcome of one event for one registration: the transition and its effects.
class Transition {
 public:
  Transition(RegistrationState state, const ChannelDefinition& def, const Inbound& ev,
             Timestamp now, const EngineConfig& cfg)
      : s_(std::move(state)), def_(def), ev_(ev), now_(now), cfg_(cfg) {}

  Outcome finish() && {
    s_.updated_at = now_;
    return Outcome{std::move(s_), std::move(effects_), false};
  }

  void start() {
    emit(EventType::started,
         {{"channel", s_.channel},
          {"definition_version", s_.definition_version},
          {"device", {{"id", s_.device.id}, {"platform", s_.device.platform}}}});
    enter_step(0, "", "started");
  }

  void on_command() {
    if (ev_.type == CommandType::registration_cancel) {
      const auto& c = std::get<RegistrationCancel>(ev_.payload);
      finish_as(Status::cancelled, EventType::cancelled, c.reason, "cancelled");
      return;
    }
    const StepDef& step = current_step();
    const bool expected =
        s_.stage == StepStage::awaiting_input &&
        std::find(step.expects.begin(), step.expects.end(), ev_.type) != step.expects.end();
    if (!expected) {
      reject_command("unexpected " + std::string(to_string(ev_.type)) + " at step " + s_.step +
                     " (" + std::string(to_string(s_.stage)) + ")");
      return;
    }
    StepContext ctx{s_, def_, step, ev_, now_, cfg_};
    apply_verdict(kind(step).on_command(ctx));
  }

  void on_result() {
    const auto& r = std::get<TaskResult>(ev_.payload);
    if (s_.stage != StepStage::awaiting_connector || !s_.pending_request ||
        *s_.pending_request != r.request_id) {
      // Late (after a retry or a retake) or unknown: ignored, but on the record.
      audit(position(s_), position(s_), "ignored_late_result:" + r.request_id.str());
      return;
    }
    const StepDef& step = current_step();
    if (r.status == TaskStatus::retryable) {
      apply_verdict(Verdict::retry_task(r.error ? r.error->code : "retryable"));
      return;
    }
    StepContext ctx{s_, def_, step, ev_, now_, cfg_};
    apply_verdict(kind(step).on_result(ctx, r));
  }

  void reject_command(const std::string& reason) {
    emit(EventType::command_rejected, {{"reason", reason}, {"command", to_string(ev_.type)}});
    audit(position(s_), position(s_), "command_rejected");
  }

 private:
  const StepDef& current_step() const { return def_.steps.at(def_.index_of(s_.step).value()); }
  static const StepKind& kind(const StepDef& step) { return *find_step_kind(step.kind); }

  void apply_verdict(const Verdict& v) {
    const StepDef& step = current_step();
    switch (v.kind) {
      case Verdict::Kind::advance: {
        emit(EventType::step_completed, {{"phase", to_string(step.phase)}, {"step", step.name}});
        const auto next = def_.index_of(step.name).value() + 1;
        if (next == def_.steps.size()) {
          const auto from = position(s_);
          s_.status = Status::issued;
          s_.phase = Phase::issued;
          s_.stage = StepStage::awaiting_input;
          s_.pending_request.reset();
          s_.deadline.reset();
          bump();
          emit(EventType::issued, {{"digital_id", s_.digital_id}});
          audit(from, position(s_), "issued");
        } else {
          enter_step(next, "", "step_completed");
        }
        return;
      }
      case Verdict::Kind::start_task:
        send_task(step, v.task_inputs, 1, "task_requested");
        return;
      case Verdict::Kind::ask_again:
        retake(step, v.reason);
        return;
      case Verdict::Kind::go_back: {
        const auto target = def_.index_of(v.step).value();
        retake(def_.steps[target], v.reason);
        return;
      }
      case Verdict::Kind::retry_task: {
        const int attempt = s_.attempt + 1;
        const bool can_retry = attempt <= step.max_attempts;
        emit(EventType::step_failed,
             {{"phase", to_string(step.phase)},
              {"step", step.name},
              {"task", step.task ? step.task->name : ""},
              {"retryable", can_retry},
              {"attempt", s_.attempt},
              {"error", v.reason},
              {"next_attempt_at", can_retry ? json(to_rfc3339(now_)) : json(nullptr)}});
        if (can_retry) {
          // Backoff timers arrive with the durable timers; until then the retry is immediate.
          send_task(step, json::parse(s_.pending_inputs), attempt, "task_retried");
        } else {
          finish_as(Status::rejected, EventType::rejected,
                    (step.task ? step.task->name : step.name) + "_unavailable", "rejected");
        }
        return;
      }
      case Verdict::Kind::reject:
        finish_as(Status::rejected, EventType::rejected, v.reason, "rejected");
        return;
    }
  }

  // One more try at `step` (which may be an earlier one), unless its tries are exhausted.
  void retake(const StepDef& step, const std::string& reason) {
    const int used = ++s_.tries_used[step.name];
    if (step.tries > 0 && used >= step.tries) {
      const auto why = step.name + "_attempts_exhausted: " + reason;
      if (step.on_exhausted == Exhaustion::lock) {
        finish_as(Status::locked, EventType::locked, why, "locked");
      } else {
        finish_as(Status::rejected, EventType::rejected, why, "rejected");
      }
      return;
    }
    enter_step(def_.index_of(step.name).value(), reason, "retake");
  }

  void enter_step(std::size_t index, const std::string& reason, const std::string& outcome) {
    const StepDef& step = def_.steps.at(index);
    const auto from = position(s_);
    s_.phase = step.phase;
    s_.step = step.name;
    s_.attempt = 0;
    s_.pending_request.reset();
    s_.deadline.reset();
    if (step.expects.empty()) {
      StepContext ctx{s_, def_, step, ev_, now_, cfg_};
      send_task(step, kind(step).task_inputs(ctx), 1, outcome, from);
      return;
    }
    s_.stage = StepStage::awaiting_input;
    bump();
    json expects = json::array();
    for (auto t : step.expects) expects.push_back(to_string(t));
    const int used = s_.tries_used.count(step.name) ? s_.tries_used.at(step.name) : 0;
    emit(EventType::awaiting,
         {{"phase", to_string(step.phase)},
          {"step", step.name},
          {"expects", std::move(expects)},
          {"attempts_left", step.tries > 0 ? json(step.tries - used) : json(nullptr)},
          {"reason", reason.empty() ? json(nullptr) : json(reason)}});
    audit(from, position(s_), outcome);
  }

  void send_task(const StepDef& step, json inputs, int attempt, const std::string& outcome,
                 std::optional<std::string> from = std::nullopt) {
    if (!from) from = position(s_);
    const int used = s_.tries_used.count(step.name) ? s_.tries_used.at(step.name) : 0;
    s_.stage = StepStage::awaiting_connector;
    s_.attempt = attempt;
    s_.pending_request = RequestId(s_.id.str() + "/" + step.name + "/" + std::to_string(used) +
                                   "." + std::to_string(attempt));
    s_.deadline = now_ + step.task_timeout;
    s_.pending_inputs = inputs.dump();
    bump();
    effects_.emplace_back(RequestTask{step.task->connector, step.task->name, *s_.pending_request,
                                      attempt, *s_.deadline, std::move(inputs)});
    audit(*from, position(s_), outcome);
  }

  void finish_as(Status status, EventType type, const std::string& reason,
                 const std::string& outcome) {
    const auto from = position(s_);
    s_.status = status;
    s_.reason = reason;
    s_.pending_request.reset();
    s_.deadline.reset();
    bump();
    emit(type, {{"reason", reason}, {"phase", to_string(s_.phase)}, {"step", s_.step}});
    audit(from, std::string(to_string(status)), outcome);
  }

  void bump() { ++s_.state_version; }

  void emit(EventType type, json data) { effects_.emplace_back(EmitEvent{type, std::move(data)}); }

  void audit(const std::string& from, const std::string& to, const std::string& outcome) {
    AuditRecord r;
    r.registration_id = s_.id;
    r.seq = ++s_.audit_seq;
    r.at = now_;
    r.actor_kind = actor_of(ev_);
    r.actor_id = ev_.source;
    r.cause = ev_.id;
    r.from = from;
    r.to = to;
    r.phase = std::string(to_string(s_.phase));
    r.step = s_.step;
    r.outcome = outcome;
    r.prev_hash = s_.audit_head;
    r.hash = audit_hash(r);
    s_.audit_head = r.hash;
    effects_.emplace_back(std::move(r));
  }

  RegistrationState s_;
  const ChannelDefinition& def_;
  const Inbound& ev_;
  Timestamp now_;
  const EngineConfig& cfg_;
  std::vector<Effect> effects_;
};

Outcome rejected_without_state(const Inbound& ev, const std::string& reason) {
  Outcome out;
  out.effects.emplace_back(EmitEvent{EventType::command_rejected,
                                     {{"reason", reason}, {"command", to_string(ev.type)}}});
  return out;
}

void remember(RegistrationState& s, const EventId& id, std::size_t window) {
  s.applied.push_back(id.str());
  if (s.applied.size() > window) {
    s.applied.erase(s.applied.begin(),
                    s.applied.begin() + static_cast<std::ptrdiff_t>(s.applied.size() - window));
  }
}

Outcome start_registration(const Inbound& ev, Timestamp now, const EngineConfig& cfg) {
  const auto& cmd = std::get<RegistrationStart>(ev.payload);
  const ChannelDefinition* def = cfg.catalog->latest(cmd.channel);
  if (def == nullptr) return rejected_without_state(ev, "unknown channel " + cmd.channel);
  RegistrationState s;
  s.id = ev.subject;
  s.channel = def->channel;
  s.definition_version = def->version;
  s.created_at = now;
  s.device = cmd.device;
  s.officer = cmd.officer;
  s.step = def->steps.front().name;
  s.phase = def->steps.front().phase;
  if (cmd.citizen_id) {
    auto parsed = CitizenId::parse(*cmd.citizen_id);
    if (const auto* err = std::get_if<CitizenIdError>(&parsed)) {
      return rejected_without_state(ev, "citizen_id: " + std::string(describe(*err)));
    }
    s.citizen_id = std::get<CitizenId>(parsed).digits();
  }
  remember(s, ev.id, cfg.dedupe_window);
  Transition t(std::move(s), *def, ev, now, cfg);
  t.start();
  return std::move(t).finish();
}

}  // namespace

Outcome apply(const std::optional<RegistrationState>& current, const Inbound& event, Timestamp now,
              const EngineConfig& config) {
  if (!current) {
    if (event.type != CommandType::registration_start) {
      return rejected_without_state(event, "unknown registration");
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
  RegistrationState s = *current;
  remember(s, event.id, config.dedupe_window);
  if (def == nullptr) {
    // The definition this registration started with is no longer loaded: refuse, keep state.
    Outcome out =
        rejected_without_state(event, "definition " + s.channel + " v" +
                                          std::to_string(s.definition_version) + " is not loaded");
    out.state = std::move(s);
    return out;
  }
  Transition t(std::move(s), *def, event, now, config);
  if (current->status != Status::active) {
    if (event.type == CommandType::task_result) {
      t.on_result();  // a result after the end is a late result: audited, ignored
    } else {
      t.reject_command("registration is " + std::string(to_string(current->status)));
    }
  } else if (event.type == CommandType::registration_start) {
    t.reject_command("registration already started");
  } else if (event.type == CommandType::task_result) {
    t.on_result();
  } else {
    t.on_command();
  }
  return std::move(t).finish();
}

}  // namespace enroll
