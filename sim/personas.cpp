#include "sim/personas.hpp"

#include <string>

#include "sim/task_types.hpp"

namespace enroll::sim {

std::string_view to_string(Persona p) {
  switch (p) {
    case Persona::none:
      return "none";
    case Persona::unconfirm_card_once:
      return "unconfirm_card_once";
    case Persona::weak_passcode_once:
      return "weak_passcode_once";
    case Persona::wrong_passcode_once:
      return "wrong_passcode_once";
    case Persona::cancel:
      return "cancel";
  }
  return "?";
}

std::optional<Persona> persona_from_string(std::string_view name) {
  for (const Persona p : all_personas()) {
    if (to_string(p) == name) return p;
  }
  if (name == "none") return Persona::none;
  return std::nullopt;
}

const std::vector<Persona>& all_personas() {
  static const std::vector<Persona> all{Persona::unconfirm_card_once, Persona::weak_passcode_once,
                                        Persona::wrong_passcode_once, Persona::cancel};
  return all;
}

Persona draw_persona(std::uint64_t n, const PersonaSettings& s) {
  if (s.kinds.empty()) return Persona::none;
  const std::string who = std::to_string(n);
  if (!chance("persona|" + who, s.rate, s.seed)) return Persona::none;
  return s.kinds[stable_hash("persona-kind|" + who, s.seed) % s.kinds.size()];
}

}  // namespace enroll::sim
