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
#include "connectors/sim/citizen_driver.hpp"
#include "connectors/topics.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/kafka_probe.hpp"
#include "tests/support/services.hpp"

namespace enroll::test {

class OrchestratorTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Hooks for a test class: change a copy of each channel definition (e.g. short deadlines)
  // before enrollmentd reads it; outcomes the connector simulators give per citizen or
  // registration (the --scenario file of enroll-sim-connectors); extra simulator flags.
  virtual void adjust_definition(nlohmann::json& /*definition*/) {}
  virtual nlohmann::json scenario() { return nlohmann::json::object(); }
  virtual std::vector<std::string> connector_flags() { return {}; }
  // Extra enrollmentd flags; the inbox's partition count (of every topic of the test).
  virtual std::vector<std::string> daemon_flags() { return {}; }
  virtual int partitions() { return 12; }
  // The Redis that enrollmentd and the checks use (a test may bring its own).
  virtual std::string redis_url() { return services_.redis_url(); }

  // Drives the registrations `ids` (already started through `driver`) with the citizen
  // simulator's logic — answering every registration.awaiting, scanning QR tokens from the
  // officer topic — until each has a final outcome or `timeout` passes. Returns every event
  // of enroll.events read so far.
  std::vector<KafkaMessage> drive(sim::CitizenDriver& driver, const std::vector<std::string>& ids,
                                  std::chrono::seconds timeout, bool locked_is_final = false);
  // The invariant of the fault suite: every one of `ids` has exactly one audit chain on
  // enroll.audit (records re-sent with the same id dropped), unbroken, as long as the stored
  // audit_seq, ending at the stored audit_head: no transition lost or applied twice.
  void expect_exactly_once(const std::vector<std::string>& ids);
  // Ends enrollmentd with `signal` (SIGKILL: a crash) and starts it again, same settings.
  void restart_daemon(int signal);
  // The port of enrollmentd's HTTP API (it listens on 127.0.0.1, port 0, and writes the port
  // to `port_file`); waits up to `timeout` for the file.
  std::uint16_t http_port(const std::filesystem::path& port_file = {},
                          std::chrono::seconds timeout = std::chrono::seconds(30));
  // Sends one message to the inbox, keyed by `key`, partitioned as Java clients do.
  void send(const std::string& key, const std::string& value);
  // The stored state of a registration, if any (found in this test's Redis namespace).
  std::optional<nlohmann::json> stored_state(const std::string& registration_id);
  // Every Redis value under this test's namespace, for "no plaintext" checks.
  std::vector<std::string> all_redis_values();
  // Parsed CloudEvents of `messages` whose subject is `id`.
  static std::vector<nlohmann::json> of(const std::vector<KafkaMessage>& messages,
                                        const std::string& id);

  bool duplicate_sends_ = false;  // send() delivers every message twice (duplicates tests)
  TestServices services_;
  Topics topics_;
  std::string ns_;
  std::filesystem::path work_;
  Keys keys_;
  std::unique_ptr<redis::Client> redis_;
  std::unique_ptr<TestProducer> producer_;
  std::unique_ptr<ChildProcess> daemon_;
  std::optional<ChildProcess::Options> daemon_options_;
  std::unique_ptr<ChildProcess> connectors_;
};

}  // namespace enroll::test
