#pragma once
// The civil registry simulator: card check (CheckCardByLaser semantics), face and
// fingerprint match, identity issue and re-activation, against the synthetic population.
#include "connectors/sim/task_types.hpp"

namespace enroll::sim {

TaskReply answer_registry(const TaskRequestView& request, const Behaviour& behaviour);

}  // namespace enroll::sim
