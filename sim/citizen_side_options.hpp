#pragma once
// The options of the programs that play the citizens' side against a running enrollmentd
// (the citizen simulator, the benchmark): where Kafka is, the topics' prefix, and the key
// folder whose passcode_seal.pub seals the passcodes they send.
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
  app.add_option("--keys", keys, "key folder (only passcode_seal.pub is read)")
      ->required()
      ->envname("ENROLL_KEYS");
}

}  // namespace enroll::app
