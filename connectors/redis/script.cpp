#include "connectors/redis/script.hpp"

namespace enroll::redis {

std::string load_script(Client& client, std::string_view script) {
  auto r = client.command({"SCRIPT", "LOAD", std::string(script)});
  return {r->str, r->len};
}

Reply eval_script(Client& client, std::string& sha, std::string_view script,
                  std::vector<std::string>& argv) {
  try {
    return client.command(argv);
  } catch (const RedisError& e) {
    if (std::string_view(e.what()).rfind("NOSCRIPT", 0) != 0) throw;
    sha = load_script(client, script);
    argv[1] = sha;
    return client.command(argv);
  }
}

}  // namespace enroll::redis
