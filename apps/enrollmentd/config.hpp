#pragma once
// enrollmentd's settings: defaults < JSON config file < ENROLL_* environment < flags.
#include <filesystem>
#include <optional>
#include <string>

#include "adapters/kafka/security.hpp"

namespace enroll::daemon {

struct Config {
  std::string brokers;
  // SASL/SCRAM and/or mutual TLS to the cluster (kafka_* settings); plaintext by default.
  kafka::Security kafka_security;
  // redis://host:port/db (one server) or redis+cluster://host:port,... (seed nodes)
  std::string redis = "redis://127.0.0.1:6379/0";
  std::string group = "enrollmentd";
  std::string topic_prefix = "enroll.";
  std::string instance;  // default: the host name
  std::filesystem::path workflows;
  std::filesystem::path keys;
  std::string redis_namespace = "enroll";
  int batch_size = 500;
  unsigned long long passcode_opslimit = 2;
  std::size_t passcode_memlimit_kib = 19456;  // 19 MiB: OWASP's Argon2id minimum
  int passcode_workers = -1;  // Argon2id threads ahead of the ordered path; -1: one per core
  int session_timeout_ms = 10000;
  // Whose stamp is an inbox record's time: "broker" (the inbox must be LogAppendTime; checked
  // at start-up, and a record without that stamp is dead-lettered) or "producer" (CreateTime
  // accepted: only for the mock dev broker's tests, which has no LogAppendTime).
  std::string inbox_time = "broker";
  std::string log_level = "info";
  std::string http = "127.0.0.1:8080";  // host:port of the HTTP API; port 0: any free port
  std::string http_port_file;           // if set, the bound port is written there
  // Hosts a request's Host header may name (comma-separated); empty: the bound address,
  // localhost, 127.0.0.1 and ::1.
  std::string http_allowed_hosts;
  std::string stuck_after = "15m";  // /metrics: active without a change this long
  // Retention: a finished registration becomes a tombstone this long after it ended ("30d");
  // "0": kept whole forever.
  std::string retain_finished = "0";
  // How often the audit chain heads changed are signed into a checkpoint (enroll.audit).
  std::string audit_checkpoint_interval = "10s";
};

// Parses the command line. Returns the config, or nullopt after printing --help (exit 0).
// Throws UsageError (exit 2) for a bad config file, variable or flag, with a one-line reason
// naming it; every value passes its setting's check (setting_check.hpp) whatever its source.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
std::optional<Config> parse_config(int argc, char** argv);

}  // namespace enroll::daemon
