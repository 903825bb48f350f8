#include "adapters/redis/client.hpp"

#include <charconv>

namespace enroll::redis {

RedisError error_reply(std::string_view text) {
  static constexpr std::string_view transient[] = {"OOM",         "LOADING",    "BUSY",
                                                   "READONLY",    "MASTERDOWN", "TRYAGAIN",
                                                   "CLUSTERDOWN", "NOREPLICAS", "MISCONF"};
  const std::string_view word = text.substr(0, text.find(' '));
  Errc code = Errc::redis_refused;
  if (word == "STALE_EPOCH") code = Errc::stale_epoch;
  for (const auto passing : transient) {
    if (word == passing) code = Errc::redis_unavailable;
  }
  return RedisError(code, std::string(text));
}

Endpoint parse_redis_url(const std::string& url) {
  const std::string scheme = "redis://";
  if (url.rfind(scheme, 0) != 0)
    throw Error(Errc::bad_url,
                "redis url must start with redis:// (one server) or redis+cluster:// (a cluster)");
  std::string rest = url.substr(scheme.size());
  Endpoint e;
  if (auto slash = rest.find('/'); slash != std::string::npos) {
    const std::string db = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
    if (!db.empty()) {
      auto [p, ec] = std::from_chars(db.data(), db.data() + db.size(), e.db);
      if (ec != std::errc() || p != db.data() + db.size() || e.db < 0) {
        throw Error(Errc::bad_url, "redis url: bad database number '" + db + "'");
      }
    }
  }
  if (auto colon = rest.rfind(':'); colon != std::string::npos) {
    const std::string port = rest.substr(colon + 1);
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), e.port);
    if (ec != std::errc() || p != port.data() + port.size() || e.port <= 0 || e.port > 65535) {
      throw Error(Errc::bad_url, "redis url: bad port '" + port + "'");
    }
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) throw Error(Errc::bad_url, "redis url: no host");
  e.host = rest;
  return e;
}

Client::Client(Endpoint endpoint) : endpoint_(std::move(endpoint)) { reconnect(); }

Client::~Client() {
  if (ctx_ != nullptr) redisFree(ctx_);
}

void Client::reconnect() {
  if (ctx_ != nullptr) redisFree(ctx_);
  const timeval timeout{5, 0};
  ctx_ = redisConnectWithTimeout(endpoint_.host.c_str(), endpoint_.port, timeout);
  if (ctx_ == nullptr || ctx_->err != 0) {
    const std::string why = ctx_ != nullptr ? ctx_->errstr : "out of memory";
    if (ctx_ != nullptr) redisFree(ctx_);
    ctx_ = nullptr;
    throw RedisError(Errc::redis_unavailable,
                     "redis " + endpoint_.host + ":" + std::to_string(endpoint_.port) + ": " + why);
  }
  redisSetTimeout(ctx_, timeout);
  if (endpoint_.db != 0) command({"SELECT", std::to_string(endpoint_.db)});
}

Reply Client::check(redisReply* r) {
  if (r == nullptr) {
    const std::string why = ctx_ != nullptr ? ctx_->errstr : "not connected";
    // A failed context cannot be reused: drop it, the next command connects again.
    if (ctx_ != nullptr) redisFree(ctx_);
    ctx_ = nullptr;
    throw RedisError(Errc::redis_unavailable, "redis connection: " + why);
  }
  Reply reply(r);
  if (reply->type == REDIS_REPLY_ERROR) {
    throw error_reply(std::string_view(reply->str, reply->len));
  }
  return reply;
}

namespace {
std::pair<std::vector<const char*>, std::vector<size_t>> to_argv(
    const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  argv.reserve(args.size());
  lens.reserve(args.size());
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  return {std::move(argv), std::move(lens)};
}
}  // namespace

Reply Client::command(const std::vector<std::string>& args) {
  if (ctx_ == nullptr) reconnect();
  auto [argv, lens] = to_argv(args);
  return check(static_cast<redisReply*>(
      redisCommandArgv(ctx_, static_cast<int>(argv.size()), argv.data(), lens.data())));
}

void Client::append(const std::vector<std::string>& args) {
  if (ctx_ == nullptr) reconnect();
  auto [argv, lens] = to_argv(args);
  if (redisAppendCommandArgv(ctx_, static_cast<int>(argv.size()), argv.data(), lens.data()) !=
      REDIS_OK) {
    throw RedisError(Errc::redis_unavailable, "redis: cannot queue a command");
  }
}

Reply Client::read_reply() {
  if (ctx_ == nullptr) throw RedisError(Errc::redis_unavailable, "redis connection: not connected");
  void* r = nullptr;
  if (redisGetReply(ctx_, &r) != REDIS_OK || r == nullptr) return check(nullptr);
  return Reply(static_cast<redisReply*>(r));
}

}  // namespace enroll::redis
