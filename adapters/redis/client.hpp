#pragma once
// A blocking Redis connection (hiredis). Owner: one thread, never an Asio thread: the
// pipeline thread does its Redis I/O itself, between Kafka polls.
#include <hiredis/hiredis.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "errors/errc.hpp"
#include "workflows/secret.hpp"

namespace enroll::redis {

// Errors the caller must handle, by code (errors/errc.hpp): redis_unavailable (retryable: the
// connection failed, or the server is in a passing state; try again after reconnecting),
// redis_refused (Redis refused the command), stale_epoch (a fenced script refused the step).
class RedisError : public Error {
 public:
  RedisError(Errc code, const std::string& what) : Error(code, what) {}
};

// The error of an error reply, typed by the reply's first word (Redis's own convention, and
// that of our scripts' redis.error_reply): STALE_EPOCH is stale_epoch; a passing state of the
// server (OOM, LOADING, BUSY, READONLY, MASTERDOWN, TRYAGAIN, CLUSTERDOWN, NOREPLICAS, MISCONF)
// is redis_unavailable, so that a full or restarting Redis is waited for, not taken for a
// refusal of what was sent; anything else is redis_refused.
RedisError error_reply(std::string_view text);

struct ReplyDeleter {
  void operator()(redisReply* r) const noexcept { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

// Who a connection logs in as (Redis 6 ACL): AUTH user password on every connection, before
// anything else. An empty user with a password is the old form (AUTH password: the
// `default` user); both empty: no AUTH. The password is never logged nor put in a message.
// Every copy wipes its password when it goes (hiredis's own AUTH buffer is freed by hiredis).
struct Credentials {
  std::string user;
  std::string password;
  Credentials() = default;
  Credentials(const Credentials&) = default;
  Credentials(Credentials&&) = default;  // the source wipes what its buffer kept when it goes
  Credentials& operator=(const Credentials&) = default;
  Credentials& operator=(Credentials&&) = default;
  ~Credentials() { secure_wipe(password); }
  [[nodiscard]] bool empty() const { return user.empty() && password.empty(); }
};

struct Endpoint {
  std::string host = "127.0.0.1";
  int port = 6379;
  int db = 0;
  Credentials credentials;
};
// Parses redis://[user[:password]@]host:port/db; throws Error(bad_url) with a one-line reason
// (which never holds the password). The user is letters, digits and ._- ; the password
// anything but '/' (a password that has one goes in the key folder, see connect.hpp).
Endpoint parse_redis_url(const std::string& url);
// Splits "[user[:password]@]rest" of a URL's authority: returns rest, fills `credentials`.
// Throws Error(bad_url).
std::string take_credentials(const std::string& authority, Credentials& credentials);
// The refusal of a URL whose password holds a '/' (its pieces would land in other parts).
extern const char* const kSlashInPassword;

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
  // AUTH on a fresh connection; throws RedisError(redis_refused) naming the user (never the
  // password) if Redis refuses.
  void authenticate();
  Endpoint endpoint_;
  redisContext* ctx_ = nullptr;
};

}  // namespace enroll::redis
