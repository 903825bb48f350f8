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
    if (it == states.end() || !it->second) continue;
    const auto work = passcode_work(*it->second, *in, engine);
    if (!work) continue;
    if (const auto* make = std::get_if<crypto::MakeVerifier>(&*work)) {
      pool.add_verifier(*make->passcode, make->salt);
    } else {
      const auto& check = std::get<crypto::CheckPasscode>(*work);
      pool.add_check(*check.verifier, *check.passcode);
    }
    hashed.insert(in->subject);
  }
  return hashed.size();
}

}  // namespace enroll
