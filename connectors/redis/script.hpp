#pragma once
// Running a server-side Lua script by its SHA, loading it again when Redis has lost its
// script cache (a restart, a fail-over).
#include <string>
#include <string_view>
#include <vector>

#include "connectors/redis/client.hpp"

namespace enroll::redis {

// argv[0] is EVALSHA or EVALSHA_RO and argv[1] the script's SHA (`sha`); on NOSCRIPT the
// script is loaded once more, `sha` and argv[1] updated and the command run again. Throws
// RedisError as Client::command does.
Reply eval_script(Client& client, std::string& sha, std::string_view script,
                  std::vector<std::string>& argv);
// SCRIPT LOAD: the script's SHA.
std::string load_script(Client& client, std::string_view script);

}  // namespace enroll::redis
