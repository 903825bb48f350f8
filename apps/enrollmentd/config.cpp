#include "apps/enrollmentd/config.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <array>
#include <charconv>
#include <functional>
#include <iostream>
#include <map>
#include <type_traits>

#include "apps/enrollmentd/config_file.hpp"
#include "apps/enrollmentd/setting_check.hpp"
#include "workflows/crypto/passcode_verifier.hpp"

namespace enroll::daemon {
namespace {

constexpr int kMaxPasscodeWorkers = 64;

SettingCheck instance_name() { return check::name(1, 64); }

// The default instance id, which must pass the same check as a given one.
std::string host_name() {
  std::array<char, 256> buf{};
  if (gethostname(buf.data(), buf.size() - 1) != 0) return "enrollmentd";
  std::string name = buf.data();
  return instance_name().check(name) ? "enrollmentd" : name;
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

// Stores a value its check has passed (and made canonical); integers are decimal by then.
template <class T>
void store(T& field, const std::string& text) {
  if constexpr (std::is_integral_v<T>) {
    const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), field);
    if (ec != std::errc() || p != text.data() + text.size()) {
      throw std::logic_error("a setting's bounds exceed its type: " + text);
    }
  } else {
    field = text;
  }
}

// A config file's value in a wrong-type message: scalars as written, containers by kind.
std::string described(const nlohmann::json& v) {
  if (v.is_string()) return "\"" + shown(v.get<std::string>()) + "\"";
  if (v.is_array()) return "an array";
  if (v.is_object()) return "an object";
  return v.dump();  // a number, true, false or null: short
}

// The settings: each has a flag, an ENROLL_* variable and a config-file key, all derived from
// its key, and one check that every source's value passes (a flag's through CLI11, as a
// transform, so that it also names the flag; the environment's and the file's here, before
// CLI11 reads the environment, so that the message names the variable or the key). A bad
// value is refused even where a later source would override it.
class Settings {
 public:
  explicit Settings(CLI::App& app) : app_(app) {}

  template <class T>
  CLI::Option* add(const std::string& key, T& field, const std::string& help, SettingCheck check) {
    std::string flag = "--" + key;
    std::replace(flag.begin(), flag.end(), '_', '-');
    const auto& s = remember(key, field, std::move(check));
    const auto checked = s.check.check;
    return app_.add_option(flag, field, help)
        ->envname(s.env)
        ->capture_default_str()
        ->transform(CLI::Validator(
            [checked](std::string& text) { return checked(text).value_or(""); }, s.check.bounds));
  }

  void apply_file(const std::string& path) const {
    const std::string where = "config file " + shown(path, 4096) + ": ";
    nlohmann::json file;
    try {
      file = read_config_file(path);
    } catch (const UsageError& e) {
      throw UsageError(where + e.what());
    }
    for (const auto& [key, value] : file.items()) {
      const auto it = settings_.find(key);
      if (it == settings_.end()) throw UsageError(where + "unknown setting '" + shown(key) + "'");
      const Setting& s = it->second;
      std::string named = where;
      named.append("setting '").append(key).append("': ");
      if (s.check.integer ? !value.is_number_integer() : !value.is_string()) {
        const std::string expected = s.check.integer ? "expected an integer" : "expected a string";
        throw UsageError(named + expected + ", not " + described(value));
      }
      std::string text = value.is_string() ? value.get<std::string>() : value.dump();
      if (auto why = s.check.check(text)) throw UsageError(named + *why);
      s.store(text);
    }
  }

  // Checks each variable that is set (CLI11 then reads it, and its transform passes, being the
  // same check).
  void apply_environment() const {
    for (const auto& [key, s] : settings_) {
      const char* value = std::getenv(s.env.c_str());
      if (value == nullptr || *value == '\0') continue;  // CLI11 skips an empty one too
      std::string text = value;
      if (auto why = s.check.check(text)) {
        throw UsageError("environment variable " + s.env + ": " + *why);
      }
    }
  }

 private:
  struct Setting {
    std::string env;
    SettingCheck check;
    std::function<void(const std::string&)> store;
  };

  template <class T>
  const Setting& remember(const std::string& key, T& field, SettingCheck check) {
    std::string env = "ENROLL_" + key;
    std::transform(env.begin(), env.end(), env.begin(), ::toupper);
    const auto store_in = [&field](const std::string& text) { store(field, text); };
    return settings_[key] = Setting{std::move(env), std::move(check), store_in};
  }

  CLI::App& app_;
  std::map<std::string, Setting> settings_;
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
      "(key = flag name with '_'; at most 1 MiB), the ENROLL_* environment variable, the flag.\n"
      "Every value passes the same checks whichever source gives it (the bounds below); a bad\n"
      "one exits 2 naming the file and key, the variable or the flag, even where a later source\n"
      "overrides it. Names are ASCII letters, digits and . _ - (the Redis namespace also :).\n"
      "Operators act with their own bearer tokens, checked against the key folder's\n"
      "operators.json (hashes only; enroll-keygen --add-operator), read at start-up."};
  Settings s(app);
  app.add_option("--config", config_file, "JSON config file")->envname("ENROLL_CONFIG");
  s.add("brokers", c.brokers, "Kafka bootstrap list host:port,... (required)",
        check::broker_list());
  auto& k = c.kafka_security;
  s.add("kafka_security_protocol", k.protocol,
        "Kafka security.protocol (sasl_ssl, sasl_plaintext: SCRAM; ssl: mutual TLS)",
        check::one_of({"plaintext", "ssl", "sasl_plaintext", "sasl_ssl"}));
  s.add("kafka_sasl_mechanism", k.sasl_mechanism, "Kafka sasl.mechanism (default SCRAM-SHA-512)",
        check::one_of({"SCRAM-SHA-512", "SCRAM-SHA-256"}));
  s.add("kafka_sasl_username", k.sasl_username, "Kafka sasl.username (the principal User:NAME)",
        check::path());
  s.add("kafka_sasl_password_file", k.sasl_password_file,
        "file holding the SASL password (one line, not world-readable; never a flag's value)",
        check::path());
  s.add("kafka_ssl_ca_location", k.ssl_ca_location,
        "PEM file of the CAs that sign the brokers' certificates (default: the system's)",
        check::path());
  s.add("kafka_ssl_certificate_location", k.ssl_certificate_location,
        "PEM client certificate (mutual TLS; with the key)", check::path());
  s.add("kafka_ssl_key_location", k.ssl_key_location,
        "PEM private key of the client certificate (unencrypted, not world-readable)",
        check::path());
  s.add("redis", c.redis,
        "Redis URL: redis://[user@]host:port/db (one server) or\n"
        "redis+cluster://[user@]host:port,host:port,... (a Redis Cluster, from seed nodes);\n"
        "user: a Redis ACL user, its password in the key folder's redis.password (0600)\n"
        "(user:password@ works too but puts the password in the config)",
        check::redis_url());
  s.add("group", c.group, "Kafka consumer group (a name, 1..255)", check::name(1, 255));
  s.add("topic_prefix", c.topic_prefix, "prefix of every topic name (a name, 0..200)",
        check::name(0, 200));
  s.add("instance", c.instance, "instance id (logs, Kafka client.id; a name, 1..64)",
        instance_name());
  s.add("workflows", workflows, "folder of channel definitions (*.json)", check::path());
  s.add("keys", keys, "folder of secrets made by enroll-keygen (required)", check::path());
  s.add("redis_namespace", c.redis_namespace, "prefix of every Redis key (a name, also :, 1..64)",
        check::name(1, 64, ":"));
  s.add("batch_size", c.batch_size, "inbox messages per commit step", check::integer_in(1, 10000));
  s.add("passcode_opslimit", c.passcode_opslimit, "Argon2id passes", check::integer_in(1, 10));
  s.add("passcode_memlimit_kib", c.passcode_memlimit_kib, "Argon2id memory in KiB (up to 2 GiB)",
        check::integer_in(8, 1 << 21));
  s.add("passcode_workers", c.passcode_workers,
        "Argon2id threads ahead of the ordered path (-1: one per core; 0: hash inline)",
        check::integer_in(-1, kMaxPasscodeWorkers));
  s.add("session_timeout_ms", c.session_timeout_ms, "Kafka group session timeout",
        check::integer_in(1000, 300000));
  s.add("inbox_time", c.inbox_time,
        "whose stamp is an inbox record's time: broker (the inbox's message.timestamp.type\n"
        "must be LogAppendTime) or producer (CreateTime too: only for tests on the mock\n"
        "dev broker)",
        check::one_of({"broker", "producer"}));
  s.add("log_level", c.log_level, "the least severe level logged",
        check::one_of({"trace", "debug", "info", "warn", "error", "critical"}));
  s.add("http", c.http, "HTTP API address host:port (port 0: any free port, see the log)",
        check::listen_address());
  s.add("http_port_file", c.http_port_file, "write the HTTP API's bound port to this file",
        check::path());
  s.add("http_allowed_hosts", c.http_allowed_hosts,
        "host names the HTTP API answers (its Host header; comma-separated, no port; others\n"
        "get 400, against DNS rebinding); empty: the bound address, localhost, 127.0.0.1, ::1",
        check::host_list());
  s.add("stuck_after", c.stuck_after,
        "/metrics counts active registrations without a change this long as stuck (90s, 15m,\n"
        "2h; more than 0)",
        check::duration(false));
  s.add("retain_finished", c.retain_finished,
        "keep a finished registration whole this long, then purge it to a tombstone (30d, 12h;\n"
        "0: forever)",
        check::duration(true));
  s.add("audit_checkpoint_interval", c.audit_checkpoint_interval,
        "how often the audit chain heads changed are signed into a checkpoint on enroll.audit\n"
        "(10s, 1m; also on stop)",
        check::duration(false));

  if (auto path = config_path(argc, argv)) s.apply_file(*path);
  s.apply_environment();
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return std::nullopt;
  } catch (const CLI::ValidationError& e) {
    throw UsageError(e.what());  // a bad value: "--flag: why", one line
  } catch (const CLI::ParseError& e) {
    throw UsageError(std::string(e.what()) + "\n" + app.help());
  }
  c.workflows = workflows;
  c.keys = keys;
  if (c.brokers.empty()) throw UsageError("no Kafka brokers: set --brokers or ENROLL_BROKERS");
  if (keys.empty()) throw UsageError("no key folder: set --keys or ENROLL_KEYS");
  // Issue 15: a release build refuses a cost an offline search could afford.
  if (!ENROLL_WEAK_PASSCODE_COST &&
      !crypto::meets_owasp_floor(
          {.opslimit = c.passcode_opslimit, .memlimit = c.passcode_memlimit_kib * 1024})) {
    throw UsageError("passcode_memlimit_kib " + std::to_string(c.passcode_memlimit_kib) +
                     " with passcode_opslimit " + std::to_string(c.passcode_opslimit) +
                     " is below OWASP's Argon2id floor (" + crypto::kOwaspFloorText +
                     "); only the dev, fuzz and bench presets accept less");
  }
  if (auto why = kafka::security_refusal(c.kafka_security)) {
    throw UsageError("kafka security: " + *why);
  }
  return c;
}

}  // namespace enroll::daemon
