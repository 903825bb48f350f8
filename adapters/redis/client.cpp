#include "adapters/redis/client.hpp"

#include <algorithm>
#include <cctype>
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

const char* const kSlashInPassword =
    "redis url: a '@' after the first '/' (a password with a '/' goes in the key folder's "
    "redis.password, not in the URL)";

std::string take_credentials(const std::string& authority, Credentials& credentials) {
  // The last '@': a password may hold one, a host never does.
  const auto at = authority.rfind('@');
  if (at == std::string::npos) return authority;
  const std::string userinfo = authority.substr(0, at);
  const auto colon = userinfo.find(':');
  credentials.user = userinfo.substr(0, colon);
  credentials.password = colon == std::string::npos ? "" : userinfo.substr(colon + 1);
  constexpr std::size_t kMaxUser = 64;
  const bool user_ok =
      credentials.user.size() <= kMaxUser &&
      std::all_of(credentials.user.begin(), credentials.user.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
      });
  if (!user_ok) {
    throw Error(Errc::bad_url,
                "redis url: the user name must be 1 to 64 letters, digits, '.', '_' or '-'");
  }
  if (credentials.user.empty() && credentials.password.empty()) {
    throw Error(Errc::bad_url, "redis url: an empty user before '@'");
  }
  return authority.substr(at + 1);
}

Endpoint parse_redis_url(const std::string& url) {
  const std::string scheme = "redis://";
  if (url.rfind(scheme, 0) != 0)
    throw Error(Errc::bad_url,
                "redis url must start with redis:// (one server) or redis+cluster:// (a cluster)");
  std::string rest = url.substr(scheme.size());
  Endpoint e;
  // The password may not hold a '/': the first one ends the authority. A message must not
  // quote a piece of a password cut there.
  if (auto slash = rest.find('/'); slash != std::string::npos) {
    if (rest.find('@', slash) != std::string::npos) throw Error(Errc::bad_url, kSlashInPassword);
    const std::string db = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
    if (!db.empty()) {
      auto [p, ec] = std::from_chars(db.data(), db.data() + db.size(), e.db);
      if (ec != std::errc() || p != db.data() + db.size() || e.db < 0) {
        throw Error(Errc::bad_url, "redis url: bad database number '" + db + "'");
      }
    }
  }
  rest = take_credentials(rest, e.credentials);
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
  authenticate();
  if (endpoint_.db != 0) command({"SELECT", std::to_string(endpoint_.db)});
}

void Client::authenticate() {
  const Credentials& who = endpoint_.credentials;
  if (who.empty()) return;
  std::vector<std::string> argv{"AUTH"};
  if (!who.user.empty()) argv.push_back(who.user);
  argv.push_back(who.password);
  try {
    command(argv);
  } catch (const RedisError& e) {
    if (e.retryable()) throw;
    // Not logged in: the connection must not serve the next command.
    redisFree(ctx_);
    ctx_ = nullptr;
    // Redis's own text (WRONGPASS ...) names neither; the password never goes in a message.
    throw RedisError(Errc::redis_refused, "redis " + endpoint_.host + ":" +
                                              std::to_string(endpoint_.port) + ": login as user '" +
                                              (who.user.empty() ? "default" : who.user) +
                                              "' refused (" + e.what() + ")");
  }
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
