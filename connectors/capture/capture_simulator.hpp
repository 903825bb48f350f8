#pragma once
// The capture device simulator: OCR of card photos and selfie liveness, answered from the
// synthetic population (connectors/sim/population.hpp).
#include "connectors/sim/task_types.hpp"

namespace enroll::sim {

TaskReply answer_capture(const TaskRequestView& request, const Behaviour& behaviour);

}  // namespace enroll::sim
