#include "workflows/definition_parse.hpp"

#include <string>

#include "workflows/steps/step_kind.hpp"

namespace enroll {
namespace {

using nlohmann::json;

// A step's problem: where in the file, and the message naming channel and step.
struct StepProblem {
  std::string pointer;
  std::string what;
};

std::string schema_reason(const std::string& path, const SchemaViolation& v,
                          const std::string& at) {
  return "schema " + path + ": violates '" + v.keyword + "' at #" + at + v.pointer;
}

std::string known_kinds() {
  std::string out;
  for (const auto k : step_kind_names()) out += (out.empty() ? "" : ", ") + std::string(k);
  return out;
}

// The kind's settings: checked against its schema (a kind without one takes none), then
// made by the kind.
std::optional<StepProblem> read_config(StepDef& s, const StepKind& kind, const json& j,
                                       const std::string& at, const SchemaCheck& schemas) {
  const std::string path = "steps/" + s.kind + ".schema.json";
  const json config = j.value("config", json::object());
  if (!schemas.has(path)) {
    if (j.contains("config"))
      return StepProblem{at + "/config", "kind " + s.kind + " takes no config"};
    return std::nullopt;
  }
  if (const auto v = schemas.check(path, config)) {
    return StepProblem{at + "/config" + v->pointer, schema_reason(path, *v, at + "/config")};
  }
  try {
    s.config = kind.parse_config(config);
  } catch (const DefinitionError& e) {
    return StepProblem{at + "/config", std::string("config: ") + e.what()};
  }
  return std::nullopt;
}

// The rules of one step that its schema cannot state, in the order an author would fix them.
std::optional<StepProblem> read_step(StepDef& s, const json& j, const std::string& at,
                                     const SchemaCheck& schemas) {
  s.name = j.at("name").get<std::string>();
  s.phase = phase_from(j.at("phase").get<std::string>()).value();
  s.kind = j.at("kind").get<std::string>();
  const StepKind* kind = find_step_kind(s.kind);
  if (kind == nullptr) {
    return StepProblem{at + "/kind",
                       "unknown step kind '" + s.kind + "' (known: " + known_kinds() + ")"};
  }
  if (auto problem = read_config(s, *kind, j, at, schemas)) return problem;
  for (const auto& e : j.value("expects", json::array())) {
    s.expects.push_back(command_type_from(e.get<std::string>()).value());
  }
  if (j.contains("task")) {
    const auto& t = j.at("task");
    s.task = TaskRef{t.at("connector").get<std::string>(), t.at("name").get<std::string>(),
                     t.value("inputs", json::object())};
  }
  if (kind->needs_task() && !s.task) return StepProblem{at, "kind " + s.kind + " needs a task"};
  if (s.expects.empty() && !s.task) {
    return StepProblem{at, "awaits nothing: give it expects or a task"};
  }
  s.timeout = std::chrono::seconds(j.value("timeout_s", s.timeout.count()));
  if (j.contains("retry")) {
    const auto& r = j.at("retry");
    s.retry.max_attempts = r.value("max_attempts", s.retry.max_attempts);
    s.retry.initial_backoff =
        std::chrono::milliseconds(r.value("initial_backoff_ms", s.retry.initial_backoff.count()));
    s.retry.multiplier = r.value("multiplier", s.retry.multiplier);
    s.retry.max_backoff =
        std::chrono::milliseconds(r.value("max_backoff_ms", s.retry.max_backoff.count()));
    s.retry.retryable_codes = r.value("retryable_codes", s.retry.retryable_codes);
    if (r.value("on_exhausted", std::string("incident")) == "reject") {
      s.retry.on_exhausted = RetriesExhausted::reject;
    }
  }
  s.tries = j.value("tries", 0);
  if (j.contains("on_exhausted")) {
    const auto& e = j.at("on_exhausted");
    const auto action = e.at("action").get<std::string>();
    if (action == "lock") {
      if (!e.contains("cool_down_s"))
        return StepProblem{at + "/on_exhausted", "a lock needs cool_down_s"};
      s.on_exhausted.action = Exhaustion::lock;
      s.on_exhausted.cool_down = std::chrono::seconds(e.at("cool_down_s").get<std::int64_t>());
    } else if (action == "hand_over") {
      s.on_exhausted.action = Exhaustion::hand_over;
      s.on_exhausted.channel = e.value("channel", "");
      if (s.on_exhausted.channel.empty()) {
        return StepProblem{at + "/on_exhausted", "hand_over needs a channel"};
      }
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<ChannelDefinition> parse_definition(const std::filesystem::path& file,
                                                  const json& doc, const SchemaCheck& schemas,
                                                  std::vector<DefinitionProblem>& errors) {
  ChannelDefinition d;
  d.channel = doc.at("channel").get<std::string>();
  d.version = doc.at("version").get<int>();
  d.description = doc.value("description", "");
  for (const auto& r : doc.value("start_requires", json::array())) {
    if (r == "citizen_id") d.start_requires_citizen_id = true;
    if (r == "officer") d.start_requires_officer = true;
  }
  d.expire_after = std::chrono::seconds(doc.value("expire_after_s", d.expire_after.count()));
  bool ok = true;
  const auto& steps = doc.at("steps");
  for (std::size_t i = 0; i < steps.size(); ++i) {
    StepDef s;
    const std::string at = "/steps/" + std::to_string(i);
    if (auto problem = read_step(s, steps[i], at, schemas)) {
      errors.push_back({file, problem->pointer,
                        "channel " + d.channel + ", step " + s.name + ": " + problem->what});
      ok = false;
    }
    d.steps.push_back(std::move(s));
  }
  if (!ok) return std::nullopt;
  return d;
}

}  // namespace enroll
