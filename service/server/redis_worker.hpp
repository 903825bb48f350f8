#pragma once
// Runs the API's Redis reads on a thread of its own with a connection of its own, so that no
// Asio thread ever waits for Redis and the pipeline's connection is never shared. Jobs run
// one at a time, in order; each job's Response goes to its Respond (which posts it back to
// the connection's strand).
//
// Errors: a job that throws RequestError answers with it; a RedisError that is retryable
// (connection lost) is tried once more on a fresh connection, then answered 503
// redis_unavailable; anything else 500.
//
// Lifecycle: the thread starts in the constructor (the connection, redis::connect of the
// URL, so one Redis or a Redis Cluster, is made by the first job, and again after a failure);
// stop() (or the destructor) drops the jobs still queued (their connections get no answer and
// close) and joins. submit() from any thread.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "adapters/redis/read_model.hpp"
#include "adapters/redis/router.hpp"
#include "service/http/read_jobs.hpp"
#include "service/http/router.hpp"
#include "workflows/crypto/field_cipher.hpp"
#include "workflows/secret.hpp"

namespace enroll::http {

class RedisWorker final : public ReadJobs {
 public:
  // `redis_url`: as enrollmentd's `redis` setting (redis:// or redis+cluster://);
  // `redis_password`: for a URL that names its user alone (redis::connect); `partitions`: the
  // inbox's partition count; `field_cipher`: opens the personal fields of stored states;
  // `max_queue`: jobs waiting at most (more are answered 503 busy at once).
  RedisWorker(std::string redis_url, std::shared_ptr<const SecretString> redis_password,
              std::string ns, std::int32_t partitions, const crypto::FieldCipher* field_cipher,
              std::size_t max_queue = 256);
  ~RedisWorker() override;
  RedisWorker(const RedisWorker&) = delete;
  RedisWorker& operator=(const RedisWorker&) = delete;

  void submit(Job job, Respond respond) override;
  void stop();

 private:
  void run();
  Response execute(const Job& job);
  redis::ReadModel& model();  // connects if needed; throws RedisError

  std::string redis_url_;
  std::shared_ptr<const SecretString> redis_password_;  // none: no password
  std::string ns_;
  std::int32_t partitions_;
  const crypto::FieldCipher* field_cipher_;
  std::size_t max_queue_;
  // Used by the worker thread only.
  std::unique_ptr<redis::Router> redis_;
  std::unique_ptr<redis::ReadModel> model_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::pair<Job, Respond>> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace enroll::http
