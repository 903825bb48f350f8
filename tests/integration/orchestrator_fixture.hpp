#pragma once
// An orchestrator of its own for one test: fresh topics (unique prefix, 12 partitions) on the
// shared dev broker, a fresh Redis namespace, fresh keys, and enrollmentd plus the connector
// simulators as child processes. Everything it starts stops with it.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "connectors/keys/keys.hpp"
#include "connectors/redis/client.hpp"
#include "connectors/topics.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/kafka_probe.hpp"
#include "tests/support/services.hpp"

namespace enroll::test {

class OrchestratorTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Sends one message to the inbox, keyed by `key`, partitioned as Java clients do.
  void send(const std::string& key, const std::string& value);
  // The stored state of a registration, if any (found in this test's Redis namespace).
  std::optional<nlohmann::json> stored_state(const std::string& registration_id);
  // Every Redis value under this test's namespace, for "no plaintext" checks.
  std::vector<std::string> all_redis_values();
  // Parsed CloudEvents of `messages` whose subject is `id`.
  static std::vector<nlohmann::json> of(const std::vector<KafkaMessage>& messages,
                                        const std::string& id);

  TestServices services_;
  Topics topics_;
  std::string ns_;
  std::filesystem::path work_;
  Keys keys_;
  std::unique_ptr<redis::Client> redis_;
  std::unique_ptr<TestProducer> producer_;
  std::unique_ptr<ChildProcess> daemon_;
  std::unique_ptr<ChildProcess> connectors_;
};

}  // namespace enroll::test
