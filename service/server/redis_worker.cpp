#include "service/server/redis_worker.hpp"

#include <spdlog/spdlog.h>

#include "adapters/redis/connect.hpp"

namespace enroll::http {

RedisWorker::RedisWorker(std::string redis_url, std::shared_ptr<const SecretString> redis_password,
                         std::string ns, std::int32_t partitions,
                         const crypto::FieldCipher* field_cipher, std::size_t max_queue)
    : redis_url_(std::move(redis_url)),
      redis_password_(std::move(redis_password)),
      ns_(std::move(ns)),
      partitions_(partitions),
      field_cipher_(field_cipher),
      max_queue_(max_queue),
      thread_([this] { run(); }) {}

RedisWorker::~RedisWorker() { stop(); }

void RedisWorker::submit(Job job, Respond respond) {
  {
    const std::lock_guard lock(mutex_);
    if (!stopping_ && queue_.size() < max_queue_) {
      queue_.emplace_back(std::move(job), std::move(respond));
      wake_.notify_one();
      return;
    }
  }
  respond(error_response(Errc::busy, "too many requests waiting for Redis; try again"));
}

void RedisWorker::stop() {
  {
    const std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    queue_.clear();
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void RedisWorker::run() {
  for (;;) {
    std::pair<Job, Respond> next;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      next = std::move(queue_.front());
      queue_.pop_front();
    }
    next.second(execute(next.first));
  }
}

redis::ReadModel& RedisWorker::model() {
  if (!model_) {
    if (!redis_) {
      redis_ = redis::connect(redis_url_,
                              redis_password_ ? redis_password_->view() : std::string_view());
    }
    model_ = std::make_unique<redis::ReadModel>(*redis_, ns_, partitions_, field_cipher_);
  }
  return *model_;
}

Response RedisWorker::execute(const Job& job) {
  for (int attempt = 1;; ++attempt) {
    try {
      return job(model());
    } catch (const RequestError& e) {
      return error_response(e.code(), e.what());
    } catch (const redis::RedisError& e) {
      if (e.retryable() && attempt == 1) continue;  // the client connects again on next use
      spdlog::warn("http: redis: {}", e.what());
      if (e.retryable()) {
        return error_response(Errc::redis_unavailable, "Redis does not answer; try again");
      }
      return error_response(Errc::internal, "a Redis read failed");
    } catch (const std::exception& e) {
      spdlog::error("http: request failed: {}", e.what());
      return error_response(Errc::internal, "the request failed");
    }
  }
}

}  // namespace enroll::http
