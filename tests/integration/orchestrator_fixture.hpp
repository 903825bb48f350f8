#pragma once
// An orchestrator of its own for one test: fresh topics (unique prefix, 12 partitions, the
// production settings) on the shared Kafka, a fresh Redis namespace, fresh keys, and
// enrollmentd plus the connector simulators as child processes. Everything it starts stops
// with it.
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "adapters/codec/topics.hpp"
#include "adapters/keys/keys.hpp"
#include "adapters/redis/router.hpp"
#include "adapters/trust/operator_tokens.hpp"
#include "adapters/trust/signers.hpp"
#include "sim/citizen_driver.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/kafka_probe.hpp"
#include "tests/support/services.hpp"

namespace enroll::test {

class OrchestratorTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  // The signers of every principal of the test's key folder (what the test writes to the
  // inbox is signed like the real producers' messages, issue 13).
  [[nodiscard]] const trust::Signers& signers() const { return *signers_; }
  // `event` (a signed message a test changed, e.g. given a new id) signed again by the
  // principal whose key signed it: what that producer would have sent.
  [[nodiscard]] std::string resigned(nlohmann::json event) const;

  // Hooks for a test class: change a copy of each channel definition (e.g. short deadlines)
  // before enrollmentd reads it; outcomes the connector simulators give per citizen or
  // registration (the --scenario file of enroll-sim-connectors); extra simulator flags.
  virtual void adjust_definition(nlohmann::json& /*definition*/) {}
  virtual nlohmann::json scenario() { return nlohmann::json::object(); }
  // Hook: change the key folder's trust file before enrollmentd reads it (e.g. revoke a key).
  virtual void adjust_trust(trust::TrustFile& /*trust*/) {}
  // Hook: change the key folder's operator file before enrollmentd reads it (e.g. add
  // operators: trust::add_operator gives their tokens).
  virtual void adjust_operators(trust::OperatorFile& /*operators*/) {}
  // Adds to the key folder before enrollmentd starts (e.g. http/tls.* for HTTPS).
  virtual void adjust_keys(const std::filesystem::path& /*keys*/) {}
  virtual std::vector<std::string> connector_flags() { return {}; }
  // The connector simulators' command line, with `flags` (e.g. --connectors registry), logging
  // to `name`.log, in the consumer group `group` (default: `name`).
  ChildProcess::Options connectors_options(const std::string& name, std::vector<std::string> flags,
                                           const std::string& group = "");
  // Extra enrollmentd flags; the inbox's partition count (of every topic of the test).
  virtual std::vector<std::string> daemon_flags() { return {}; }
  // Extra environment variables of enrollmentd.
  virtual std::map<std::string, std::string> daemon_env() { return {}; }
  virtual int partitions() { return 12; }
  // How the test's inbox stamps its records (the production setting: the broker's
  // LogAppendTime). On the dev broker, which knows only the producer's stamps, enrollmentd
  // runs with the override --inbox-time producer.
  virtual TestServices::InboxTime inbox_time() { return TestServices::InboxTime::log_append; }
  // The Redis that enrollmentd and the checks use (a test may bring its own, or a cluster:
  // redis+cluster://...).
  virtual std::string redis_url() { return services_.redis_url(); }

  // Starts `count` self-service registrations through `driver` (ids made from `stem`,
  // citizens numbered from `first_citizen`); returns their ids.
  std::vector<std::string> start_self_service(sim::CitizenDriver& driver, int count,
                                              std::uint64_t first_citizen, std::string_view stem);
  // How many of `ids` the driver saw issued.
  static std::size_t issued(const sim::CitizenDriver& driver, const std::vector<std::string>& ids);
  // For a failure message: each of `ids` not issued, with what the driver saw and the stored
  // state's status and step (where it stopped).
  std::string unfinished(const sim::CitizenDriver& driver, const std::vector<std::string>& ids);
  // Drives the registrations `ids` (already started through `driver`) with the citizen
  // simulator's logic — answering every registration.awaiting, scanning QR tokens from the
  // officer topic — until each has a final outcome or `timeout` passes. Returns every event
  // of enroll.events read so far.
  // `on_tick(elapsed)` runs on the calling thread between polls (e.g. a schedule of faults).
  using Tick = std::function<void(std::chrono::steady_clock::duration)>;
  std::vector<KafkaMessage> drive(sim::CitizenDriver& driver, const std::vector<std::string>& ids,
                                  std::chrono::seconds timeout, bool locked_is_final = false,
                                  const Tick& on_tick = {});
  struct DriveOptions {
    bool locked_is_final = false;  // a locked or incident outcome ends the drive
    Tick on_tick;
    // Events of enroll.events the driver must not see (a citizen who stops at a step: e.g.
    // the registration.awaiting of one step); with `stop_when_withheld`, drive() returns as
    // soon as it has withheld one.
    std::function<bool(const nlohmann::json& event)> withhold;
    bool stop_when_withheld = false;
    // A citizen's app that hears nothing back for this long sends its last command again
    // (the same id: the engine takes it once); zero: never. For runs on the mock broker's
    // faults, which has been seen to acknowledge a produce it then does not hold
    // (broker_faults_test, about 1 run in 8): the resends are counted and printed.
    std::chrono::seconds resend_after{0};
  };
  std::vector<KafkaMessage> drive(sim::CitizenDriver& driver, const std::vector<std::string>& ids,
                                  std::chrono::seconds timeout, const DriveOptions& options);
  // The invariant of the fault suite: every one of `ids` has exactly one audit chain on
  // enroll.audit (records re-sent with the same id dropped), unbroken, as long as the stored
  // audit_seq, ending at the stored audit_head: no transition lost or applied twice. Waits
  // until enrollmentd has caught up (every outbox empty) first.
  void expect_exactly_once(const std::vector<std::string>& ids);
  // Every message on enroll.events, the request topics and enroll.audit matches its schemas
  // (codec::check_outbound: the envelope, then schemas/events/<type>, then a task's inputs).
  // Run by TearDown over everything the test's instances emitted.
  void expect_emitted_match_schemas();
  // The invariant's other half: a fault-free reference run on the same inputs. Once this run
  // is quiet, its instances and the simulators are stopped (SIGTERM, exit 0 expected); the
  // inbox messages it consumed are copied, with their partitions and timestamps (enrollmentd's
  // clock: the broker's LogAppendTime), into fresh topics (a CreateTime inbox, which keeps
  // them); a fresh enrollmentd with a fresh Redis namespace runs them
  // without faults. Every registration must then have the same stored state, the same audit
  // chain, and the same set of emitted events (ids and data) in both runs.
  void expect_matches_reference(std::chrono::seconds timeout = std::chrono::seconds(240));
  // Waits until enrollmentd has applied every message of the inbox sent so far and Kafka has
  // acknowledged everything it emitted (its outboxes are empty): what it caused is readable.
  void wait_until_caught_up(std::chrono::seconds timeout = std::chrono::seconds(60));
  // The enrollmentd instances of this test (a test with more overrides it).
  virtual std::vector<ChildProcess*> instances() { return {daemon_.get()}; }
  // Ends enrollmentd with `signal` (SIGKILL: a crash) and starts it again, same settings.
  void restart_daemon(int signal);
  // The port of enrollmentd's HTTP API (it listens on 127.0.0.1, port 0, and writes the port
  // to `port_file`); waits up to `timeout` for the file.
  std::uint16_t http_port(const std::filesystem::path& port_file = {},
                          std::chrono::seconds timeout = std::chrono::seconds(30));
  // /metrics (parse_metrics()) once enrollmentd is quiet: it has consumed every message that
  // `inbox` (a reader of this test's inbox) has read so far, its outbox is empty, and
  // `settled` holds (e.g. a gauge that takes time); else the last read after `timeout`.
  using Metrics = std::map<std::string, double>;
  Metrics metrics_when_quiet(std::uint16_t port, TopicReader& inbox,
                             const std::function<bool(const Metrics&)>& settled,
                             std::chrono::seconds timeout = std::chrono::seconds(30));
  // Sends one message to the inbox, keyed by `key`, partitioned as Java clients do.
  void send(const std::string& key, const std::string& value);
  // The stored state of a registration, if any (found in this test's Redis namespace).
  // The registration's stored state with its personal fields opened (as enrollmentd reads it).
  std::optional<nlohmann::json> stored_state(const std::string& registration_id);
  // The stored bytes as they are in Redis (personal fields sealed).
  std::optional<std::string> stored_record(const std::string& registration_id);
  // Every Redis value under this test's namespace, for "no plaintext" checks.
  std::vector<std::string> all_redis_values();
  // The keys matching a KEYS pattern, from every node of a cluster.
  std::vector<std::string> redis_keys(const std::string& pattern);
  // Runs enrollctl with `args` (30 s at most); returns its exit status and, in `out`, what it
  // printed.
  int enrollctl(const std::vector<std::string>& args, std::string& out);
  // Parsed CloudEvents of `messages` whose subject is `id`.
  static std::vector<nlohmann::json> of(const std::vector<KafkaMessage>& messages,
                                        const std::string& id);

  bool duplicate_sends_ = false;  // send() delivers every message twice (duplicates tests)
  TestServices services_;
  Topics topics_;
  std::string ns_;
  std::filesystem::path work_;
  Keys keys_;
  std::optional<crypto::FieldCipher> field_cipher_;  // of keys_.field, as enrollmentd's
  std::string operator_token_;  // the demo operator's (operator-1), as enrollctl --keys reads it
  std::string reader_token_;    // the demo reader's (reader-1): what the tests read /v1 with
  // Its file, for enrollctl --token-file.
  [[nodiscard]] std::filesystem::path reader_token_file() const {
    return trust::demo_token_file(work_ / "keys", trust::kDemoReader);
  }
  std::optional<trust::Signers> signers_;  // every default principal's (the key folder's)
  trust::TrustFile trust_;                 // the key folder's trust file, as SetUp wrote it
  std::unique_ptr<redis::Router> redis_;   // one server or a cluster, as redis_url() says
  std::unique_ptr<TestProducer> producer_;
  std::vector<KafkaMessage> driven_events_;  // what the last drive() read of enroll.events
  std::map<std::string, std::vector<std::string>> sent_;  // key -> the types of what send() sent
  std::unique_ptr<ChildProcess> daemon_;
  std::optional<ChildProcess::Options> daemon_options_;
  std::unique_ptr<ChildProcess> connectors_;
};

}  // namespace enroll::test
