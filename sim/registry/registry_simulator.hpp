#pragma once
// The civil registry simulator: card check (CheckCardByLaser semantics), face and
// fingerprint match, identity issue and re-activation, against the synthetic population.
// Every synthetic citizen counts as enrolled (a passcode reset finds their identity); a
// scenario can say otherwise (sim/scenario.hpp).
#include "sim/task_types.hpp"

namespace enroll::sim {

// Tasks: card.verify, face.match, fingerprint.match, identity.issue, identity.reactivate,
// identity.status.
TaskReply answer_registry(const TaskRequestView& request, const Behaviour& behaviour);

}  // namespace enroll::sim
