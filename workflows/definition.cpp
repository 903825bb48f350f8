#include "workflows/definition.hpp"

#include <algorithm>
#include <cmath>

namespace enroll {

std::chrono::milliseconds RetryPolicy::backoff(int next_attempt) const {
  const double factor = std::pow(multiplier, std::max(0, next_attempt - 2));
  const double ms = static_cast<double>(initial_backoff.count()) * factor;
  return std::chrono::milliseconds(
      static_cast<std::int64_t>(std::min(ms, static_cast<double>(max_backoff.count()))));
}

std::chrono::milliseconds RetryPolicy::jittered_backoff(int next_attempt, double draw) const {
  const double d = std::clamp(draw, 0.0, 1.0);
  return std::chrono::milliseconds(
      static_cast<std::int64_t>(static_cast<double>(backoff(next_attempt).count()) * d));
}

bool RetryPolicy::retryable(std::string_view code) const {
  return std::find(retryable_codes.begin(), retryable_codes.end(), code) != retryable_codes.end();
}

std::string_view to_string(RetriesExhausted e) {
  return e == RetriesExhausted::incident ? "incident" : "reject";
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

bool DefinitionCatalog::add(ChannelDefinition def) {
  auto key = std::make_pair(def.channel, def.version);
  return defs_.emplace(std::move(key), std::move(def)).second;
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
