#pragma once
// Loading and running the server-side Lua scripts through a Router, so that they run on one
// Redis or on a Redis Cluster alike.
#include <string>
#include <string_view>
#include <vector>

#include "adapters/redis/router.hpp"

namespace enroll::redis {

// SCRIPT LOAD on every node (a script's SHA is the same everywhere): the script's SHA.
// Throws RedisError.
std::string load_script(Router& redis, std::string_view script);
// argv[0] is EVALSHA or EVALSHA_RO and argv[1] the script's SHA, run on the node of `key`. On
// NOSCRIPT (a restarted node, or one that joined the cluster since start-up) the same call
// runs again as EVAL (EVAL_RO) with the script's text. Throws RedisError as Router::command
// does.
Reply eval_script(Router& redis, const RoutingKey& key, std::string_view script,
                  const std::vector<std::string>& argv);
// The EVAL (EVAL_RO) form of an EVALSHA (EVALSHA_RO) argv: the script's text for its SHA.
std::vector<std::string> eval_with_text(std::vector<std::string> argv, std::string_view script);
// True for the error a node answers to an EVALSHA of a script it does not have.
bool is_noscript(std::string_view error);

}  // namespace enroll::redis
