#include "service/pipeline/step/pipeline_monitor.hpp"

#include <algorithm>

#include "adapters/codec/known_tasks.hpp"
#include "service/pipeline/step/pipeline_counters.hpp"
#include "workflows/definition.hpp"

namespace enroll {
namespace {

bool starts_with(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

PipelineMonitor::PipelineMonitor(metrics::Registry& registry)
    : registry_(registry),
      transitions_(registry.counter("enroll_transitions_total",
                                    "Registration and step transitions recorded in the audit "
                                    "trail (late results and rejected commands left out), by "
                                    "the phase they lead to.",
                                    {"phase"})),
      step_failures_(registry.counter("enroll_step_failures_total",
                                      "Connector tasks that failed: a result other than ok, or "
                                      "no result before the deadline (code timeout).",
                                      {"task", "code"})),
      retries_(registry.counter("enroll_task_retries_total",
                                "Connector task requests sent again (attempt 2 and later).",
                                {"task"})),
      latency_(registry.histogram(
          "enroll_commit_latency_seconds",
          "From an inbox message's broker timestamp to the commit of its outcome in Redis.",
          {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30})),
      lag_(registry.gauge("enroll_consumer_lag",
                          "Inbox messages behind the high watermark, per partition owned.",
                          {"partition"})) {
  registry.callback("enroll_partitions_owned", "Inbox partitions this instance owns.", "gauge",
                    [this] { return static_cast<double>(owned().size()); });
}

void PipelineMonitor::expose(const PipelineCounters& c) {
  const auto add = [this](const char* name, const char* help,
                          const std::atomic<std::uint64_t>& value) {
    registry_.callback(name, help, "counter",
                       [&value] { return static_cast<double>(value.load()); });
  };
  add("enroll_events_consumed_total", "Inbox messages consumed.", c.consumed);
  add("enroll_events_applied_total",
      "Inbox commands and results applied by the engine (timer.fire messages not included).",
      c.applied);
  add("enroll_events_rejected_total",
      "Inbox messages answered with command.rejected (state unchanged).", c.rejected);
  add("enroll_events_duplicate_total", "Inbox messages already applied (ignored).", c.duplicates);
  add("enroll_events_dead_lettered_total", "Inbox messages sent to the dead-letter topic.",
      c.dead_lettered);
  add("enroll_engine_faults_total",
      "Inbox messages on which the engine broke an invariant (a bug): dead-lettered as "
      "engine_fault, also counted in enroll_events_dead_lettered_total.",
      c.engine_faults);
  add("enroll_outbox_parked_total",
      "Outbox entries the broker refused for good (too large, invalid): set aside in the "
      "partition's parked stream, never re-sent.",
      c.parked);
  add("enroll_passcode_hashed_ahead_total",
      "Argon2id computations done ahead on the worker pool (only for passcode commands that "
      "their registration awaits).",
      c.hashed_ahead);
  add("enroll_timers_fired_total",
      "Registration timers fired (deadlines, retries, expiry): written to the inbox as "
      "timer.fire.",
      c.timers_fired);
  add("enroll_audit_checkpoints_total",
      "Signed audit checkpoints committed to the outbox (one per partition and interval with "
      "changed chain heads).",
      c.checkpoints);
  add("enroll_commits_total", "Commit steps written to Redis.", c.commits);
  registry_.callback(
      "enroll_pipeline_cpu_seconds_total",
      "The pipeline thread's CPU time by stage (consume, decode, load, hash, apply, encode, "
      "commit, produce, other); the process's other threads are not in it.",
      "counter", {"stage"}, [&c] {
        std::vector<std::pair<metrics::Labels, double>> out;
        for (std::size_t i = 0; i < stage_count; ++i) {
          out.push_back({{std::string(to_string(static_cast<Stage>(i)))},
                         static_cast<double>(c.stage_cpu.ns[i].load()) / 1e9});
        }
        return out;
      });
  add("enroll_stale_commits_total", "Commit steps refused: another instance owns the partition.",
      c.stale_commits);
}

void PipelineMonitor::set_owned(std::vector<std::int32_t> partitions) {
  std::sort(partitions.begin(), partitions.end());
  const std::lock_guard lock(mutex_);
  owned_ = std::move(partitions);
}

std::vector<std::int32_t> PipelineMonitor::owned() const {
  const std::lock_guard lock(mutex_);
  return owned_;
}

void PipelineMonitor::set_lag(const std::map<std::int32_t, std::int64_t>& lag) {
  std::map<metrics::Labels, double> series;
  for (const auto& [p, n] : lag) series[{std::to_string(p)}] = static_cast<double>(n);
  lag_.replace(std::move(series));
}

void PipelineMonitor::on_outcome(const Inbound& in, const Outcome& outcome) {
  if (outcome.duplicate) return;
  bool late = false;
  for (const auto& effect : outcome.effects) {
    if (const auto* a = std::get_if<AuditRecord>(&effect)) {
      if (starts_with(a->outcome, "ignored_late_result")) late = true;
      if (late || a->outcome == "command_rejected" || starts_with(a->outcome, "not_authorised")) {
        continue;  // refused: no transition
      }
      transitions_.add({a->phase});
    } else if (const auto* r = std::get_if<RequestTask>(&effect)) {
      if (r->attempt > 1) retries_.add({r->task});
    }
  }
  for (const auto& f : step_failures(in, outcome)) step_failures_.add({f.task, f.code});
}

std::vector<StepFailure> PipelineMonitor::step_failures(const Inbound& in,
                                                        const Outcome& outcome) const {
  std::vector<StepFailure> out;
  if (outcome.duplicate) return out;
  bool late = false;
  for (const auto& effect : outcome.effects) {
    if (const auto* a = std::get_if<AuditRecord>(&effect)) {
      if (starts_with(a->outcome, "ignored_late_result")) late = true;
    } else if (const auto* e = std::get_if<EmitEvent>(&effect);
               e != nullptr && in.type == CommandType::timer) {
      // A deadline passed without a result: the step failed with the engine's code.
      if (const auto* failed = std::get_if<events::StepFailed>(&e->payload)) {
        out.push_back(labelled(failed->task, failed->error));
      }
    }
  }
  if (const auto* result = std::get_if<TaskResult>(&in.payload);
      result != nullptr && result->status != TaskStatus::ok && !late) {
    const std::string code = result->error                             ? result->error->code
                             : result->status == TaskStatus::retryable ? "retryable"
                                                                       : "failed";
    out.push_back(labelled(result->task, code));
  }
  return out;
}

std::map<std::string, std::set<std::string>> failure_labels(const DefinitionCatalog& catalog) {
  const auto schema_codes = codec::known_error_codes();
  std::map<std::string, std::set<std::string>> out;
  for (const auto* def : catalog.all()) {
    for (const auto& step : def->steps) {
      if (!step.task) continue;
      auto& codes = out[step.task->name];
      codes.insert({"timeout", "retryable", "failed"});
      codes.insert(step.retry.retryable_codes.begin(), step.retry.retryable_codes.end());
      if (const auto it = schema_codes.find(step.task->name); it != schema_codes.end()) {
        codes.insert(it->second.begin(), it->second.end());
      }
    }
  }
  return out;
}

void PipelineMonitor::set_failure_labels(std::map<std::string, std::set<std::string>> known) {
  failure_labels_ = std::move(known);
}

StepFailure PipelineMonitor::labelled(const std::string& task, const std::string& code) const {
  if (failure_labels_.empty()) return {task, code};
  const auto it = failure_labels_.find(task);
  if (it == failure_labels_.end()) return {"other", "other"};
  return {task, it->second.count(code) != 0 ? code : "other"};
}

void PipelineMonitor::on_committed(Timestamp received) {
  const auto now = std::chrono::system_clock::now();
  latency_.observe(std::chrono::duration<double>(now - received).count());
}

}  // namespace enroll
