#pragma once
// Where the API's handlers send their Redis reads, so that no Asio thread waits for Redis. Here,
// with the handlers, and not beside the RedisWorker (service/server/), so that the handlers
// build and run without it (the HTTP fuzz target).
#include <functional>

#include "adapters/redis/read_model.hpp"
#include "service/http/router.hpp"

namespace enroll::http {

// The RedisWorker (service/server/redis_worker.hpp), or something that answers the reads
// without Redis (the HTTP fuzz target, tests/fuzz/).
class ReadJobs {
 public:
  using Job = std::function<Response(redis::ReadModel&)>;
  ReadJobs() = default;
  ReadJobs(const ReadJobs&) = delete;
  ReadJobs& operator=(const ReadJobs&) = delete;
  virtual ~ReadJobs() = default;
  // From any thread; `respond` gets the job's Response (or the refusal) exactly once.
  virtual void submit(Job job, Respond respond) = 0;
};

}  // namespace enroll::http
