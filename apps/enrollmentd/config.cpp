#include "apps/enrollmentd/config.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <array>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "connectors/http/duration.hpp"
#include "connectors/http/server.hpp"
#include "connectors/keys/keys.hpp"
#include "connectors/redis/connect.hpp"

namespace enroll::daemon {
namespace {

std::string host_name() {
  std::array<char, 256> buf{};
  if (gethostname(buf.data(), buf.size() - 1) != 0) return "enrollmentd";
  return buf.data();
}

// --config FILE / --config=FILE / ENROLL_CONFIG, found before the real parse: the file's
// values become the defaults that the environment and the flags then override.
std::optional<std::string> config_path(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--config" && i + 1 < argc) return std::string(argv[i + 1]);
    if (a.rfind("--config=", 0) == 0) return a.substr(9);
  }
  if (const char* env = std::getenv("ENROLL_CONFIG")) return std::string(env);
  return std::nullopt;
}

nlohmann::json read_config_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw UsageError("config file " + path + ": cannot be read");
  try {
    auto j = nlohmann::json::parse(in);
    if (!j.is_object()) throw UsageError("config file " + path + ": not a JSON object");
    return j;
  } catch (const nlohmann::json::parse_error& e) {
    throw UsageError("config file " + path + ": not JSON (" + e.what() + ")");
  }
}

// One setting: its flag, environment variable and config-file key are derived from `key`.
class Settings {
 public:
  explicit Settings(CLI::App& app) : app_(app) {}

  template <class T>
  CLI::Option* add(const std::string& key, T& field, const std::string& help) {
    std::string flag = "--" + key;
    std::replace(flag.begin(), flag.end(), '_', '-');
    std::string env = "ENROLL_" + key;
    std::transform(env.begin(), env.end(), env.begin(), ::toupper);
    from_file_[key] = [&field, key](const nlohmann::json& v) {
      try {
        field = v.get<T>();
      } catch (const nlohmann::json::exception&) {
        throw UsageError("setting '" + key + "' has the wrong type: " + v.dump());
      }
    };
    return app_.add_option(flag, field, help)->envname(env)->capture_default_str();
  }

  // A setting of the file and the environment only, without a flag (secrets).
  void add_secret(const std::string& key, std::string& field) {
    from_file_[key] = [&field, key](const nlohmann::json& v) {
      if (!v.is_string()) throw UsageError("setting '" + key + "' has the wrong type: a string");
      field = v.get<std::string>();
    };
    std::string env = "ENROLL_" + key;
    std::transform(env.begin(), env.end(), env.begin(), ::toupper);
    env_[env] = &field;
  }
  // After the file: the environment overrides it.
  void apply_secret_env() const {
    for (const auto& [name, field] : env_) {
      if (const char* v = std::getenv(name.c_str())) *field = v;
    }
  }

  void apply_file(const std::string& path) {
    // Named: items() of a temporary would outlive the JSON it iterates.
    const nlohmann::json file = read_config_file(path);
    for (const auto& [key, value] : file.items()) {
      auto it = from_file_.find(key);
      if (it == from_file_.end()) {
        throw UsageError("config file " + path + ": unknown setting '" + key + "'");
      }
      try {
        it->second(value);
      } catch (const UsageError& e) {
        throw UsageError("config file " + path + ": " + e.what());
      }
    }
  }

 private:
  CLI::App& app_;
  std::map<std::string, std::function<void(const nlohmann::json&)>> from_file_;
  std::map<std::string, std::string*> env_;
};

}  // namespace

std::optional<Config> parse_config(int argc, char** argv) {
  Config c;
  c.instance = host_name();
  std::string workflows = ENROLL_DEFAULT_WORKFLOWS;
  std::string keys;
  std::string config_file;

  CLI::App app{
      "enrollmentd: the digital-ID enrollment orchestrator.\n"
      "Each setting comes from, in rising precedence: its default, the JSON config file\n"
      "(key = flag name with '_'), the ENROLL_* environment variable, the flag.\n"
      "The operator actions' bearer token is the key folder's operator.token, unless the\n"
      "config file's operator_token or ENROLL_OPERATOR_TOKEN gives another (no flag)."};
  Settings s(app);
  app.add_option("--config", config_file, "JSON config file")->envname("ENROLL_CONFIG");
  s.add("brokers", c.brokers, "Kafka bootstrap list (required)");
  s.add("redis", c.redis,
        "Redis URL: redis://host:port/db (one server) or\n"
        "redis+cluster://host:port,host:port,... (a Redis Cluster, from seed nodes)");
  s.add("group", c.group, "Kafka consumer group");
  s.add("topic_prefix", c.topic_prefix, "prefix of every topic name");
  s.add("instance", c.instance, "instance id (logs)");
  s.add("workflows", workflows, "folder of channel definitions (*.json)");
  s.add("keys", keys, "folder of secrets made by enroll-keygen (required)");
  s.add("redis_namespace", c.redis_namespace, "prefix of every Redis key");
  s.add("batch_size", c.batch_size, "inbox messages per commit step")->check(CLI::Range(1, 100000));
  s.add("passcode_opslimit", c.passcode_opslimit, "Argon2id passes")->check(CLI::Range(1, 10));
  s.add("passcode_memlimit_kib", c.passcode_memlimit_kib, "Argon2id memory in KiB")
      ->check(CLI::Range(8, 1 << 21));
  s.add("passcode_workers", c.passcode_workers,
        "Argon2id threads ahead of the ordered path (-1: one per core; 0: hash inline)")
      ->check(CLI::Range(-1, 256));
  s.add("session_timeout_ms", c.session_timeout_ms, "Kafka group session timeout")
      ->check(CLI::Range(1000, 300000));
  s.add("log_level", c.log_level, "trace|debug|info|warn|error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
  s.add("http", c.http, "HTTP API address host:port (port 0: any free port, see the log)");
  s.add("http_port_file", c.http_port_file, "write the HTTP API's bound port to this file");
  s.add("stuck_after", c.stuck_after,
        "/metrics counts active registrations without a change this long as stuck (90s, 15m, 2h)");
  s.add("retain_finished", c.retain_finished,
        "keep a finished registration whole this long, then purge it to a tombstone (30d, 12h;\n"
        "0: forever)");

  s.add_secret("operator_token", c.operator_token);

  if (auto path = config_path(argc, argv)) s.apply_file(*path);
  s.apply_secret_env();
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return std::nullopt;
  } catch (const CLI::ParseError& e) {
    throw UsageError(std::string(e.what()) + "\n" + app.help());
  }
  c.workflows = workflows;
  c.keys = keys;
  if (c.brokers.empty()) throw UsageError("no Kafka brokers: set --brokers or ENROLL_BROKERS");
  if (keys.empty()) throw UsageError("no key folder: set --keys or ENROLL_KEYS");
  try {
    http::parse_listen_address(c.http);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  if (!c.operator_token.empty() && !valid_operator_token(c.operator_token)) {
    throw UsageError(
        "operator_token (ENROLL_OPERATOR_TOKEN) must be at least 16 characters of A-Z a-z 0-9 - _");
  }
  if (!http::parse_duration(c.stuck_after)) {
    throw UsageError("stuck_after '" + c.stuck_after + "' is not a duration such as 15m");
  }
  if (!http::parse_duration(c.retain_finished)) {
    throw UsageError("retain_finished '" + c.retain_finished +
                     "' is not a duration such as 30d (0: keep forever)");
  }
  // Checked here, whichever source the URL came from (file, environment or flag).
  try {
    redis::check_redis_url(c.redis);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("bad redis setting '") + c.redis + "': " + e.what());
  }
  return c;
}

}  // namespace enroll::daemon
