#pragma once
// The options of the programs that play the citizens' side against a running enrollmentd
// (the citizen simulator, the benchmark): where Kafka is, the topics' prefix, the key folder
// (the channel back-ends' signing keys, and the seal_publisher .pub files that the passcode
// sealing key must be signed with), and enrollmentd's API, which publishes that key.
#include <CLI/CLI.hpp>
#include <string>

#include "adapters/codec/topics.hpp"

namespace enroll::app {

inline void add_citizen_side_options(CLI::App& app, std::string& brokers, Topics& topics,
                                     std::string& keys) {
  app.add_option("--brokers", brokers, "Kafka bootstrap list")
      ->required()
      ->envname("ENROLL_BROKERS");
  app.add_option("--topic-prefix", topics.prefix, "topic prefix")
      ->envname("ENROLL_TOPIC_PREFIX")
      ->capture_default_str();
  app.add_option("--keys", keys,
                 "key folder: the channel back-ends' signing keys, and seal_publisher/*.pub, "
                 "the keys the published passcode sealing key must be signed with")
      ->required()
      ->envname("ENROLL_KEYS");
}

// Where the passcode sealing key is fetched from (adapters/service_client/
// published_seal_key_fetch.hpp): enrollmentd's API and, for https://, the CA file.
inline void add_seal_key_source_options(CLI::App& app, std::string& api, std::string& ca_file) {
  app.add_option("--api", api,
                 "enrollmentd's HTTP API (http[s]://host:port): GET /v1/keys/passcode, the "
                 "signed passcode sealing key, checked against --keys' seal_publisher/*.pub")
      ->required()
      ->envname("ENROLL_URL");
  app.add_option("--ca-file", ca_file,
                 "PEM file of the CAs that sign an https:// API's certificate (default: the "
                 "system's; for enroll-keygen's self-signed one, its http/tls.crt)")
      ->envname("ENROLL_CA_FILE");
}

}  // namespace enroll::app
