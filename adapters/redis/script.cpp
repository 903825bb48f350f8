#include "adapters/redis/script.hpp"

namespace enroll::redis {

std::string load_script(Router& redis, std::string_view script) {
  const auto replies = redis.on_every_node({"SCRIPT", "LOAD", std::string(script)});
  if (replies.empty() || replies.front()->type != REDIS_REPLY_STRING) {
    throw RedisError(Errc::redis_refused, "SCRIPT LOAD: unexpected reply");
  }
  return {replies.front()->str, replies.front()->len};
}

bool is_noscript(std::string_view error) { return error.rfind("NOSCRIPT", 0) == 0; }

std::vector<std::string> eval_with_text(std::vector<std::string> argv, std::string_view script) {
  argv[0] = argv[0] == "EVALSHA_RO" ? "EVAL_RO" : "EVAL";
  argv[1] = std::string(script);
  return argv;
}

Reply eval_script(Router& redis, const RoutingKey& key, std::string_view script,
                  const std::vector<std::string>& argv) {
  try {
    return redis.command(key, argv);
  } catch (const RedisError& e) {
    if (!is_noscript(e.what())) throw;
  }
  // EVAL with the script's text runs it wherever the key's slot is now, ASK and MOVED
  // included (a SCRIPT LOAD routed by the key could reach the wrong node during a
  // migration), and caches it there for the next EVALSHA (same SHA).
  return redis.command(key, eval_with_text(argv, script));
}

}  // namespace enroll::redis
