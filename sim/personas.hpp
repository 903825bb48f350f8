#pragma once
// Citizens who make one mistake (or give up), for the demo's injected failures. A journey's
// persona is drawn from a seed and the citizen number, so a run is reproducible.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace enroll::sim {

enum class Persona {
  none,
  unconfirm_card_once,  // the first card.data.confirm says the data is wrong
  weak_passcode_once,   // the first passcode.set violates the policy (12345678)
  wrong_passcode_once,  // the first consent.confirm carries a wrong passcode
  cancel,               // registration.cancel at the first awaiting of the biometrics phase
};

std::string_view to_string(Persona p);
std::optional<Persona> persona_from_string(std::string_view name);
// Every persona but `none`.
const std::vector<Persona>& all_personas();

struct PersonaSettings {
  double rate = 0.0;  // share of journeys that get a persona
  std::uint64_t seed = 1;
  std::vector<Persona> kinds = all_personas();  // drawn uniformly among these
};

// The persona of citizen `n`'s journey.
Persona draw_persona(std::uint64_t n, const PersonaSettings& settings);

// True if a journey with this persona cannot end issued.
inline bool prevents_issue(Persona p) { return p == Persona::cancel; }

}  // namespace enroll::sim
