#pragma once
// A blocking Redis connection (hiredis). Owner: one thread, never an Asio thread: the
// pipeline thread does its Redis I/O itself, between Kafka polls.
#include <hiredis/hiredis.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace enroll::redis {

// Errors the caller must handle. retryable(): the connection failed (try again after
// reconnecting); otherwise Redis refused the command (e.g. a fenced commit).
class RedisError : public std::runtime_error {
 public:
  RedisError(const std::string& what, bool retryable)
      : std::runtime_error(what), retryable_(retryable) {}
  [[nodiscard]] bool retryable() const noexcept { return retryable_; }

 private:
  bool retryable_;
};

// The error of an error reply: retryable when it tells a passing state of the server (OOM,
// LOADING, BUSY, READONLY, MASTERDOWN, TRYAGAIN, CLUSTERDOWN, NOREPLICAS, MISCONF), so that a
// full or restarting Redis is waited for, not taken for a refusal of what was sent.
RedisError error_reply(std::string_view text);

struct ReplyDeleter {
  void operator()(redisReply* r) const noexcept { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

struct Endpoint {
  std::string host = "127.0.0.1";
  int port = 6379;
  int db = 0;
};
// Parses redis://host:port/db; throws std::invalid_argument with a one-line reason.
Endpoint parse_redis_url(const std::string& url);

class Client {
 public:
  explicit Client(Endpoint endpoint);  // connects; throws RedisError (retryable) on failure
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // One command; an error reply throws RedisError(retryable=false).
  Reply command(const std::vector<std::string>& argv);
  // Pipelining: queue commands, then read their replies in order.
  void append(const std::vector<std::string>& argv);
  // Error replies are returned (not thrown) so that the rest of a pipeline can still be read;
  // throws RedisError(retryable) if the connection fails.
  Reply read_reply();
  // Drops the connection and connects again (after a retryable error).
  void reconnect();

 private:
  Reply check(redisReply* r);
  Endpoint endpoint_;
  redisContext* ctx_ = nullptr;
};

}  // namespace enroll::redis
