#include "workflows/definition.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "workflows/steps/step_kind.hpp"

namespace enroll {

std::chrono::milliseconds RetryPolicy::backoff(int next_attempt) const {
  const double factor = std::pow(multiplier, std::max(0, next_attempt - 2));
  const double ms = static_cast<double>(initial_backoff.count()) * factor;
  return std::chrono::milliseconds(
      static_cast<std::int64_t>(std::min(ms, static_cast<double>(max_backoff.count()))));
}

bool RetryPolicy::retryable(std::string_view code) const {
  return std::find(retryable_codes.begin(), retryable_codes.end(), code) != retryable_codes.end();
}

std::string_view to_string(Exhaustion e) {
  switch (e) {
    case Exhaustion::reject:
      return "reject";
    case Exhaustion::lock:
      return "lock";
    case Exhaustion::hand_over:
      return "hand_over";
  }
  return "?";
}

std::optional<std::size_t> ChannelDefinition::index_of(std::string_view step) const {
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].name == step) return i;
  }
  return std::nullopt;
}

const StepDef* ChannelDefinition::find(std::string_view step) const {
  const auto i = index_of(step);
  return i ? &steps[*i] : nullptr;
}

const StepDef* ChannelDefinition::first_of(Phase phase) const {
  for (const auto& s : steps) {
    if (s.phase == phase) return &s;
  }
  return nullptr;
}

namespace {

using nlohmann::json;

StepDef parse_step(const json& j, const std::string& channel) {
  StepDef s;
  s.name = j.at("name").get<std::string>();
  const auto where = "channel " + channel + ", step " + s.name + ": ";
  const auto phase = phase_from(j.at("phase").get<std::string>());
  if (!phase) throw DefinitionError(where + "unknown phase " + j.at("phase").dump());
  s.phase = *phase;
  s.kind = j.at("kind").get<std::string>();
  const StepKind* kind = find_step_kind(s.kind);
  if (kind == nullptr) throw DefinitionError(where + "unknown step kind '" + s.kind + "'");
  for (const auto& e : j.value("expects", json::array())) {
    const auto t = command_type_from(e.get<std::string>());
    if (!t) throw DefinitionError(where + "unknown command type " + e.dump());
    s.expects.push_back(*t);
  }
  if (j.contains("task")) {
    const auto& t = j.at("task");
    s.task = TaskRef{t.at("connector").get<std::string>(), t.at("name").get<std::string>(),
                     t.value("inputs", json::object())};
  }
  if (kind->needs_task() && !s.task) throw DefinitionError(where + "kind needs a task");
  if (s.expects.empty() && !s.task) {
    throw DefinitionError(where + "awaits nothing: give it expects or a task");
  }
  s.timeout = std::chrono::seconds(j.value("timeout_s", 60));
  if (j.contains("retry")) {
    const auto& r = j.at("retry");
    s.retry.max_attempts = r.value("max_attempts", s.retry.max_attempts);
    s.retry.initial_backoff =
        std::chrono::milliseconds(r.value("initial_backoff_ms", s.retry.initial_backoff.count()));
    s.retry.multiplier = r.value("multiplier", s.retry.multiplier);
    s.retry.max_backoff =
        std::chrono::milliseconds(r.value("max_backoff_ms", s.retry.max_backoff.count()));
    if (r.contains("retryable_codes")) {
      s.retry.retryable_codes = r.at("retryable_codes").get<std::vector<std::string>>();
    }
  }
  s.tries = j.value("tries", 0);
  if (j.contains("on_exhausted")) {
    const auto& e = j.at("on_exhausted");
    const auto action = e.at("action").get<std::string>();
    if (action == "lock") {
      s.on_exhausted.action = Exhaustion::lock;
      s.on_exhausted.cool_down = std::chrono::seconds(e.value("cool_down_s", 0));
      if (s.on_exhausted.cool_down.count() <= 0) {
        throw DefinitionError(where + "a lock needs cool_down_s");
      }
    } else if (action == "hand_over") {
      s.on_exhausted.action = Exhaustion::hand_over;
      s.on_exhausted.channel = e.value("channel", "");
      if (s.on_exhausted.channel.empty())
        throw DefinitionError(where + "hand_over needs a channel");
    } else if (action != "reject") {
      throw DefinitionError(where + "on_exhausted.action must be reject, lock or hand_over");
    }
  }
  if (s.retry.max_attempts < 1 || s.tries < 0) {
    throw DefinitionError(where + "retry.max_attempts must be >= 1 and tries >= 0");
  }
  return s;
}

}  // namespace

ChannelDefinition parse_definition(const json& doc) {
  try {
    ChannelDefinition d;
    d.channel = doc.at("channel").get<std::string>();
    d.version = doc.at("version").get<int>();
    d.description = doc.value("description", "");
    for (const auto& r : doc.value("start_requires", json::array())) {
      if (r == "citizen_id") d.start_requires_citizen_id = true;
      if (r == "officer") d.start_requires_officer = true;
    }
    d.expire_after = std::chrono::seconds(doc.value("expire_after_s", d.expire_after.count()));
    if (doc.contains("passcode")) {
      const auto& p = doc["passcode"];
      d.passcode.length = p.value("length", d.passcode.length);
      d.passcode.max_run = p.value("max_run", d.passcode.max_run);
      d.passcode.max_same_digit = p.value("max_same_digit", d.passcode.max_same_digit);
    }
    if (doc.contains("thresholds")) {
      const auto& t = doc["thresholds"];
      d.min_sharpness = t.value("min_sharpness", d.min_sharpness);
      d.liveness_threshold = t.value("liveness", d.liveness_threshold);
      d.face_match_threshold = t.value("face_match", d.face_match_threshold);
      d.fingerprint_threshold = t.value("fingerprint_match", d.fingerprint_threshold);
    }
    d.qr_ttl = std::chrono::seconds(doc.value("qr_ttl_s", d.qr_ttl.count()));
    std::set<std::string> names;
    Phase last = Phase::consent;
    for (const auto& js : doc.at("steps")) {
      d.steps.push_back(parse_step(js, d.channel));
      const auto& s = d.steps.back();
      if (!names.insert(s.name).second) {
        throw DefinitionError("channel " + d.channel + ": duplicate step " + s.name);
      }
      // Phases follow the canonical order (the registration machine only moves forward).
      if (d.steps.size() > 1 && s.phase < last) {
        throw DefinitionError("channel " + d.channel + ", step " + s.name + ": phase " +
                              std::string(to_string(s.phase)) + " comes after " +
                              std::string(to_string(last)));
      }
      last = s.phase;
    }
    if (d.steps.empty()) throw DefinitionError("channel " + d.channel + ": no steps");
    return d;
  } catch (const json::exception& e) {
    throw DefinitionError(std::string("channel definition: ") + e.what());
  }
}

void DefinitionCatalog::add(ChannelDefinition def) {
  auto key = std::make_pair(def.channel, def.version);
  if (defs_.count(key) != 0) {
    throw DefinitionError("channel " + def.channel + " version " + std::to_string(def.version) +
                          " is defined twice");
  }
  defs_.emplace(std::move(key), std::move(def));
}

const ChannelDefinition* DefinitionCatalog::latest(std::string_view channel) const {
  const ChannelDefinition* best = nullptr;
  for (const auto& [key, def] : defs_) {
    if (key.first == channel) best = &def;  // map order: the last one has the highest version
  }
  return best;
}

const ChannelDefinition* DefinitionCatalog::get(std::string_view channel, int version) const {
  auto it = defs_.find(std::make_pair(std::string(channel), version));
  return it == defs_.end() ? nullptr : &it->second;
}

std::vector<std::string> DefinitionCatalog::channels() const {
  std::vector<std::string> out;
  for (const auto& [key, def] : defs_) {
    if (out.empty() || out.back() != key.first) out.push_back(key.first);
  }
  return out;
}

std::vector<const ChannelDefinition*> DefinitionCatalog::all() const {
  std::vector<const ChannelDefinition*> out;
  for (const auto& [key, def] : defs_) out.push_back(&def);
  return out;
}

}  // namespace enroll
