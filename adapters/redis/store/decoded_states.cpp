#include "adapters/redis/store/decoded_states.hpp"

namespace enroll::redis {

std::optional<Registration> DecodedStates::find(const RegistrationId& id, std::string_view record) {
  const auto it = by_id_.find(id.str());
  if (it == by_id_.end()) return std::nullopt;
  if (it->second->record != record) {
    forget(id);  // changed under us: decoded again by the caller
    return std::nullopt;
  }
  entries_.splice(entries_.begin(), entries_, it->second);
  return it->second->state;
}

void DecodedStates::remember(Registration state, std::string record) {
  if (capacity_ == 0 || !state.active()) {
    forget(state.id);
    return;
  }
  if (const auto it = by_id_.find(state.id.str()); it != by_id_.end()) {
    it->second->record = std::move(record);
    it->second->state = std::move(state);
    entries_.splice(entries_.begin(), entries_, it->second);
    return;
  }
  const std::string key = state.id.str();
  entries_.push_front(Entry{state.id, std::move(record), std::move(state)});
  by_id_.emplace(key, entries_.begin());
  if (entries_.size() > capacity_) {
    by_id_.erase(entries_.back().id.str());
    entries_.pop_back();
  }
}

void DecodedStates::forget(const RegistrationId& id) {
  const auto it = by_id_.find(id.str());
  if (it == by_id_.end()) return;
  entries_.erase(it->second);
  by_id_.erase(it);
}

}  // namespace enroll::redis
