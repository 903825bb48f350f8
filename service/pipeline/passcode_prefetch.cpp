#include "service/pipeline/passcode_prefetch.hpp"

#include <set>

#include "workflows/engine.hpp"

namespace enroll {

std::size_t queue_passcode_work(PasscodePool& pool, std::span<const Inbound* const> inputs,
                                const std::map<RegistrationId, std::optional<Registration>>& states,
                                const EngineConfig& engine) {
  std::set<RegistrationId> hashed;
  for (const Inbound* in : inputs) {
    if (hashed.count(in->subject) != 0) continue;
    const auto it = states.find(in->subject);
    if (it == states.end() || !it->second || !awaits(*it->second, in->type, engine)) continue;
    if (const auto* set = std::get_if<PasscodeSet>(&in->payload)) {
      // Only a pair that matches can become a verifier (the policy is the engine's to check).
      if (set->first && set->repeat && set->first->view() == set->repeat->view()) {
        pool.add_verifier(*set->first, passcode_salt(engine, in->subject, in->id));
        hashed.insert(in->subject);
      }
    } else if (const auto* confirm = std::get_if<ConsentConfirm>(&in->payload)) {
      if (confirm->passcode && !it->second->passcode_verifier.empty()) {
        pool.add_check(it->second->passcode_verifier, *confirm->passcode);
        hashed.insert(in->subject);
      }
    }
  }
  return hashed.size();
}

}  // namespace enroll
