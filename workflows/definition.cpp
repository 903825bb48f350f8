#include "workflows/definition.hpp"

#include <nlohmann/json.hpp>
#include <set>

#include "workflows/steps/step_kind.hpp"

namespace enroll {

std::optional<std::size_t> ChannelDefinition::index_of(std::string_view step) const {
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].name == step) return i;
  }
  return std::nullopt;
}

namespace {

StepDef parse_step(const nlohmann::json& j, const std::string& channel) {
  StepDef s;
  s.name = j.at("name").get<std::string>();
  const auto where = "channel " + channel + ", step " + s.name + ": ";
  const auto phase = phase_from(j.at("phase").get<std::string>());
  if (!phase) throw DefinitionError(where + "unknown phase " + j.at("phase").dump());
  s.phase = *phase;
  s.kind = j.at("kind").get<std::string>();
  const StepKind* kind = find_step_kind(s.kind);
  if (kind == nullptr) throw DefinitionError(where + "unknown step kind " + s.kind);
  for (const auto& e : j.value("expects", nlohmann::json::array())) {
    const auto t = command_type_from(e.get<std::string>());
    if (!t) throw DefinitionError(where + "unknown command type " + e.dump());
    s.expects.push_back(*t);
  }
  if (j.contains("task")) {
    s.task = TaskRef{j.at("task").at("connector").get<std::string>(),
                     j.at("task").at("name").get<std::string>()};
  }
  if (kind->needs_task() && !s.task) throw DefinitionError(where + "kind needs a task");
  if (s.expects.empty() && !s.task) {
    throw DefinitionError(where + "awaits nothing: give it expects or a task");
  }
  s.tries = j.value("tries", 0);
  const auto exhausted = j.value("on_exhausted", std::string("reject"));
  if (exhausted == "lock") {
    s.on_exhausted = Exhaustion::lock;
  } else if (exhausted != "reject") {
    throw DefinitionError(where + "on_exhausted must be reject or lock");
  }
  s.max_attempts = j.value("max_attempts", 3);
  s.task_timeout = std::chrono::milliseconds(j.value("task_timeout_ms", 30000));
  if (s.max_attempts < 1 || s.tries < 0) {
    throw DefinitionError(where + "max_attempts must be >= 1 and tries >= 0");
  }
  return s;
}

}  // namespace

ChannelDefinition parse_definition(const nlohmann::json& doc) {
  try {
    ChannelDefinition d;
    d.channel = doc.at("channel").get<std::string>();
    d.version = doc.at("version").get<int>();
    if (doc.contains("passcode")) {
      d.passcode.length = doc["passcode"].value("length", d.passcode.length);
      d.passcode.max_run = doc["passcode"].value("max_run", d.passcode.max_run);
      d.passcode.max_same_digit =
          doc["passcode"].value("max_same_digit", d.passcode.max_same_digit);
    }
    if (doc.contains("thresholds")) {
      const auto& t = doc["thresholds"];
      d.min_sharpness = t.value("min_sharpness", d.min_sharpness);
      d.liveness_threshold = t.value("liveness", d.liveness_threshold);
      d.face_match_threshold = t.value("face_match", d.face_match_threshold);
    }
    std::set<std::string> names;
    for (const auto& js : doc.at("steps")) {
      d.steps.push_back(parse_step(js, d.channel));
      if (!names.insert(d.steps.back().name).second) {
        throw DefinitionError("channel " + d.channel + ": duplicate step " + d.steps.back().name);
      }
    }
    if (d.steps.empty()) throw DefinitionError("channel " + d.channel + ": no steps");
    return d;
  } catch (const nlohmann::json::exception& e) {
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

}  // namespace enroll
