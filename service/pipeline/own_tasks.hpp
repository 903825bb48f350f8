#pragma once
// The orchestrator's own connector: the tasks addressed to connector "orchestrator"
// (citizen.claim: one active registration per citizen; citizen.release) run here, against
// Redis, instead of going out on Kafka. The answer (a task.result) goes to the inbox through
// the relay, so it is applied in log order like any connector's answer, and a replay of the
// log reaches the same states. The request's outbox entry is deleted once the answer is on
// the inbox; a crash before that runs the task again, which is idempotent.
//
// Owner: InboxPipeline. Thread: the pipeline thread.
#include <chrono>
#include <cstdint>
#include <string>

#include "adapters/codec/outbound_encoder.hpp"
#include "adapters/redis/store/store.hpp"
#include "adapters/trust/signer.hpp"
#include "service/pipeline/outbox_relay.hpp"
#include "service/pipeline/redis_retry.hpp"

namespace enroll {

class OwnTasks {
 public:
  OwnTasks(redis::Store& store, OutboxRelay& relay, const RedisRetry& retry, Topics topics,
           std::string source, const trust::Signer& signer);

  // Whether `topic` is the own connector's request topic.
  [[nodiscard]] bool owns(const std::string& topic) const { return topic == requests_; }
  // Runs the request of outbox entry `entry_id` and sends its answer.
  void run(std::int32_t partition, const codec::OutboxMessage& request,
           const std::string& entry_id);

 private:
  redis::Store& store_;
  OutboxRelay& relay_;
  const RedisRetry& retry_;
  Topics topics_;
  std::string requests_;
  std::string source_;
  const trust::Signer& signer_;  // enrollmentd's: its results go to the inbox
};

}  // namespace enroll
