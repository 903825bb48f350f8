#include "sim/task_result.hpp"

#include "adapters/codec/envelope.hpp"

namespace enroll::sim {

std::string task_result_event(const TaskRequestView& request, const TaskReply& reply,
                              const std::string& source, const trust::Signer& signer) {
  nlohmann::json data{{"request_id", request.request_id},
                      {"task", request.task},
                      {"status", reply.status},
                      {"outputs", reply.outputs}};
  if (reply.status != "ok") {
    data["error"] = {{"code", reply.error_code}, {"message", reply.error_message}};
  }
  return codec::inbox_envelope(
             {"result/" + request.request_id, source, "task.result", request.subject},
             std::move(data), signer)
      .dump();
}

}  // namespace enroll::sim
