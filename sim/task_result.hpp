#pragma once
// A simulated connector's answer on the wire: the task.result CloudEvent for the inbox. Used by
// the connector runner (kafka/connector_runner.hpp) and, without Kafka, by the tests and the
// fuzz corpus writer.
#include <string>

#include "adapters/trust/signer.hpp"
#include "sim/task_types.hpp"

namespace enroll::sim {

// The task.result CloudEvent answering `request`, signed by `signer`.
std::string task_result_event(const TaskRequestView& request, const TaskReply& reply,
                              const std::string& source, const trust::Signer& signer);

}  // namespace enroll::sim
