// Kafka's own access control, as ops/deploy sets it up (issue 13): a broker with mutual TLS and
// the StandardAuthorizer (the kafka_secure fixture: nothing allowed without an ACL), the ACLs
// that ops/deploy/kafka-acls derives from a key folder's trust.json applied with the Admin API,
// and the clients of this tree connecting through kafka::client_settings. A channel back-end
// may write the inbox and nothing else of enrollmentd's; a certificate of another CA is
// refused, even with a principal's name; and
// enrollmentd, the connectors and a channel, each as its own Kafka user, run a registration
// to its end under those ACLs.
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <sys/stat.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "adapters/codec/known_tasks.hpp"
#include "adapters/kafka/consumer.hpp"
#include "adapters/kafka/producer.hpp"
#include "adapters/kafka/security.hpp"
#include "adapters/kafka/tail_reader.hpp"
#include "adapters/keys/keys.hpp"
#include "adapters/trust/provisioning.hpp"
#include "adapters/trust/signers.hpp"
#include "sim/citizen_driver.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/services.hpp"

namespace enroll::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  std::string t = s.str();
  while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
  return t;
}

// One line of `ops/deploy/kafka-acls --tsv`.
struct Acl {
  std::string principal, resource_type, pattern, name, operation;
};

constexpr int kPartitions = 2;

using Handle = std::unique_ptr<rd_kafka_t, decltype(&rd_kafka_destroy)>;

class KafkaAclTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* dir = std::getenv("ENROLL_TEST_KAFKA_SECURE");
    ASSERT_NE(dir, nullptr) << "run through ctest (the kafka_secure fixture)";
    brokers_ = read_text(fs::path(dir) / "brokers");
    certs_ = std::string(dir) + ".certs";
    ASSERT_TRUE(fs::exists(certs_ / "admin.pem")) << certs_;
    work_ = fs::temp_directory_path() / unique_name("kafka-acl");
    fs::create_directories(work_);
    prefix_ = unique_name("acl") + ".";
    group_ = unique_name("enrollmentd");
    create_kafka_topic_set(client("admin"), prefix_, kPartitions,
                           TestServices::InboxTime::log_append);
    trust::provision_key_folder(work_ / "keys", codec::known_tasks(), trust::system_now());
  }
  void TearDown() override { fs::remove_all(work_); }

  // The librdkafka settings of `user`: its certificate (CN=user) and key from `certs`.
  kafka::Settings client(const std::string& user) { return client(user, certs_); }
  kafka::Settings client(const std::string& user, const fs::path& certs) {
    kafka::Security s;
    s.protocol = "ssl";
    s.ssl_ca_location = (certs_ / "ca.pem").string();  // the broker's CA, always
    s.ssl_certificate_location = (certs / (user + ".pem")).string();
    s.ssl_key_location = (certs / (user + ".key")).string();
    return kafka::client_settings(brokers_, s);
  }

  std::vector<Acl> derived_acls() {
    const std::string cmd = std::string(ENROLL_SOURCE_DIR) + "/ops/deploy/kafka-acls '" +
                            (work_ / "keys").string() + "' --prefix " + prefix_ + " --group " +
                            group_ + " --tsv";
    std::unique_ptr<FILE, int (*)(FILE*)> out(popen(cmd.c_str(), "r"), pclose);
    std::vector<Acl> acls;
    std::array<char, 512> line{};
    while (fgets(line.data(), line.size(), out.get()) != nullptr) {
      std::istringstream fields(line.data());
      Acl a;
      std::getline(fields, a.principal, '\t');
      std::getline(fields, a.resource_type, '\t');
      std::getline(fields, a.pattern, '\t');
      std::getline(fields, a.name, '\t');
      std::getline(fields, a.operation);
      acls.push_back(a);
    }
    return acls;
  }

  // Creates the ACLs as the super user, then waits until the broker lists them all.
  void apply(const std::vector<Acl>& acls) {
    std::array<char, 512> err{};
    rd_kafka_conf_t* conf = kafka::make_conf(client("admin"));
    Handle admin(rd_kafka_new(RD_KAFKA_PRODUCER, conf, err.data(), err.size()), rd_kafka_destroy);
    ASSERT_TRUE(admin) << err.data();
    std::vector<rd_kafka_AclBinding_t*> bindings;
    const std::map<std::string, rd_kafka_AclOperation_t> operations{
        {"READ", RD_KAFKA_ACL_OPERATION_READ},
        {"WRITE", RD_KAFKA_ACL_OPERATION_WRITE},
        {"DESCRIBE_CONFIGS", RD_KAFKA_ACL_OPERATION_DESCRIBE_CONFIGS}};
    for (const Acl& a : acls) {
      bindings.push_back(rd_kafka_AclBinding_new(
          a.resource_type == "GROUP" ? RD_KAFKA_RESOURCE_GROUP : RD_KAFKA_RESOURCE_TOPIC,
          a.name.c_str(),
          a.pattern == "PREFIXED" ? RD_KAFKA_RESOURCE_PATTERN_PREFIXED
                                  : RD_KAFKA_RESOURCE_PATTERN_LITERAL,
          ("User:" + a.principal).c_str(), "*", operations.at(a.operation),
          RD_KAFKA_ACL_PERMISSION_TYPE_ALLOW, err.data(), err.size()));
      ASSERT_NE(bindings.back(), nullptr) << err.data();
    }
    std::unique_ptr<rd_kafka_queue_t, decltype(&rd_kafka_queue_destroy)> queue(
        rd_kafka_queue_new(admin.get()), rd_kafka_queue_destroy);
    rd_kafka_CreateAcls(admin.get(), bindings.data(), bindings.size(), nullptr, queue.get());
    rd_kafka_AclBinding_destroy_array(bindings.data(), bindings.size());
    std::unique_ptr<rd_kafka_event_t, decltype(&rd_kafka_event_destroy)> ev(
        rd_kafka_queue_poll(queue.get(), 60000), rd_kafka_event_destroy);
    ASSERT_TRUE(ev);
    ASSERT_EQ(rd_kafka_event_error(ev.get()), RD_KAFKA_RESP_ERR_NO_ERROR)
        << rd_kafka_event_error_string(ev.get());
    std::size_t n = 0;
    const rd_kafka_acl_result_t** results =
        rd_kafka_CreateAcls_result_acls(rd_kafka_event_CreateAcls_result(ev.get()), &n);
    ASSERT_EQ(n, acls.size());
    for (std::size_t i = 0; i < n; ++i) {
      const rd_kafka_error_t* e = rd_kafka_acl_result_error(results[i]);
      ASSERT_EQ(e, nullptr) << rd_kafka_error_string(e);
    }
  }

  // The ACLs derived and applied; returns once the broker enforces them (a channel back-end's
  // write to the inbox goes through: the broker applies new ACLs once its metadata has them).
  rd_kafka_resp_err_t apply_derived_acls();

  // The ENROLL_KAFKA_* variables of a program of this tree that connects as `user`.
  std::map<std::string, std::string> tls_env(const std::string& user) {
    return {{"ENROLL_KAFKA_SECURITY_PROTOCOL", "ssl"},
            {"ENROLL_KAFKA_SSL_CA_LOCATION", (certs_ / "ca.pem").string()},
            {"ENROLL_KAFKA_SSL_CERTIFICATE_LOCATION", (certs_ / (user + ".pem")).string()},
            {"ENROLL_KAFKA_SSL_KEY_LOCATION", (certs_ / (user + ".key")).string()}};
  }

  fs::path work_;
  std::string brokers_;
  fs::path certs_;
  std::string prefix_;
  std::string group_;
};

// What a produce as `user` to `topic` comes to: its delivery report's error.
rd_kafka_resp_err_t produce_as(const kafka::Settings& settings, const std::string& topic) {
  rd_kafka_resp_err_t result = RD_KAFKA_RESP_ERR__TIMED_OUT;
  kafka::Settings s = settings;
  s["message.timeout.ms"] = "20000";
  kafka::Producer producer(s, [&](const kafka::Delivery& d) { result = d.error; });
  producer.produce(topic, "reg-1", R"({"specversion":"1.0"})");
  producer.flush(30000);
  return result;
}

// The first error a consumer of `topic` (assigned every partition, from the start) meets within
// 20 s, or NO_ERROR if it reads a message first.
rd_kafka_resp_err_t consume_as(kafka::Settings settings, const std::string& topic,
                               const std::string& group) {
  settings["group.id"] = group;
  settings["enable.auto.commit"] = "false";
  std::array<char, 512> err{};
  rd_kafka_conf_t* conf = kafka::make_conf(settings);
  Handle rk(rd_kafka_new(RD_KAFKA_CONSUMER, conf, err.data(), err.size()), rd_kafka_destroy);
  if (!rk) return RD_KAFKA_RESP_ERR__FAIL;
  rd_kafka_poll_set_consumer(rk.get());
  std::unique_ptr<rd_kafka_topic_partition_list_t, decltype(&rd_kafka_topic_partition_list_destroy)>
      list(rd_kafka_topic_partition_list_new(kPartitions), rd_kafka_topic_partition_list_destroy);
  for (int p = 0; p < kPartitions; ++p) {
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset =
        RD_KAFKA_OFFSET_BEGINNING;
  }
  rd_kafka_assign(rk.get(), list.get());
  rd_kafka_resp_err_t result = RD_KAFKA_RESP_ERR__TIMED_OUT;
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk.get(), 200);
    if (m == nullptr) continue;
    result = m->err;
    rd_kafka_message_destroy(m);
    if (result != RD_KAFKA_RESP_ERR__PARTITION_EOF) break;
  }
  rd_kafka_consumer_close(rk.get());
  return result;
}

rd_kafka_resp_err_t KafkaAclTest::apply_derived_acls() {
  const std::vector<Acl> acls = derived_acls();
  EXPECT_GE(acls.size(), 20U);
  apply(acls);
  rd_kafka_resp_err_t wrote = RD_KAFKA_RESP_ERR__TIMED_OUT;
  for (int attempt = 0; attempt < 20; ++attempt) {
    wrote = produce_as(client("channel-app"), prefix_ + "inbox");
    if (wrote == RD_KAFKA_RESP_ERR_NO_ERROR) break;
    std::this_thread::sleep_for(500ms);
  }
  return wrote;
}

TEST_F(KafkaAclTest, EachPrincipalMayOnlyWhatItsRoleNeeds) {
  const std::string inbox = prefix_ + "inbox";
  // Before any ACL: the broker refuses everyone but the super user.
  EXPECT_NE(produce_as(client("channel-app"), inbox), RD_KAFKA_RESP_ERR_NO_ERROR);
  // (a) a channel back-end writes the inbox (idempotently: WRITE alone is enough).
  const rd_kafka_resp_err_t wrote = apply_derived_acls();
  EXPECT_EQ(wrote, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2name(wrote);
  // (b) ... but not what only enrollmentd writes, and it cannot read the inbox.
  for (const char* topic : {"events", "requests.capture", "audit", "dlq"}) {
    EXPECT_EQ(produce_as(client("channel-app"), prefix_ + topic),
              RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED)
        << topic;
  }
  EXPECT_EQ(consume_as(client("channel-app"), inbox, "channel-app-reader"),
            RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED);
  // A connector reads its own requests only: the registry's request is read by the registry
  // connector, never by the capture one (no DESCRIBE either: librdkafka just finds no topic).
  const std::string registry = prefix_ + "requests.registry";
  ASSERT_EQ(produce_as(client("enrollmentd"), registry), RD_KAFKA_RESP_ERR_NO_ERROR);
  EXPECT_EQ(consume_as(client("connector-registry"), registry, "connector-registry-1"),
            RD_KAFKA_RESP_ERR_NO_ERROR);
  EXPECT_NE(consume_as(client("connector-capture"), registry, "connector-capture-1"),
            RD_KAFKA_RESP_ERR_NO_ERROR);
  // enrollmentd reads the inbox (the channel's message) and writes its outputs.
  EXPECT_EQ(consume_as(client("enrollmentd"), inbox, group_), RD_KAFKA_RESP_ERR_NO_ERROR);
  EXPECT_EQ(produce_as(client("enrollmentd"), prefix_ + "events"), RD_KAFKA_RESP_ERR_NO_ERROR);
  EXPECT_EQ(produce_as(client("enrollmentd"), prefix_ + "requests.capture"),
            RD_KAFKA_RESP_ERR_NO_ERROR);
  // A certificate with a principal's name from a CA the broker does not trust is refused.
  const fs::path stranger = work_ / "stranger";
  const std::string make = std::string(ENROLL_SOURCE_DIR) + "/ops/kafka/test-certs '" +
                           stranger.string() + "' channel-app";
  ASSERT_EQ(std::system(make.c_str()), 0);
  const rd_kafka_resp_err_t impostor = produce_as(client("channel-app", stranger), inbox);
  EXPECT_NE(impostor, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2name(impostor);
}

// (c) enrollmentd as the Kafka user `enrollmentd` (its certificate's CN), each connector
// simulator as its own
// connector-<name>, the citizen's channel back-end as `channel-app`: one self-service
// registration issued, with nothing allowed beyond the derived ACLs.
TEST_F(KafkaAclTest, EnrollmentdOverMutualTlsRunsARegistrationToItsEnd) {
  ASSERT_EQ(apply_derived_acls(), RD_KAFKA_RESP_ERR_NO_ERROR);
  const TestServices services;  // its Redis
  const fs::path keys = work_ / "keys";
  ChildProcess daemon({{ENROLLMENTD_BIN,
                        "--brokers",
                        brokers_,
                        "--redis",
                        services.redis_url(),
                        "--topic-prefix",
                        prefix_,
                        "--group",
                        group_,
                        "--redis-namespace",
                        unique_name("acl"),
                        "--keys",
                        keys.string(),
                        "--passcode-memlimit-kib",
                        "8192",
                        "--session-timeout-ms",
                        "6000",
                        "--instance",
                        "acl",
                        "--workflows",
                        ENROLL_WORKFLOWS_DIR,
                        "--http",
                        "127.0.0.1:0"},
                       work_ / "enrollmentd.log",
                       tls_env("enrollmentd")});
  std::vector<std::unique_ptr<ChildProcess>> connectors;
  for (const std::string c : {"capture", "registry", "officer"}) {
    // The officer connector's tasks are the officer console's (its principal and user).
    const std::string user = trust::connector_principal(c).str();
    connectors.push_back(std::make_unique<ChildProcess>(ChildProcess::Options{
        {SIM_CONNECTORS_BIN, "--brokers", brokers_, "--topic-prefix", prefix_, "--connectors", c,
         "--group", user + "-sim", "--keys", keys.string()},
        work_ / (user + ".log"),
        tls_env(user)}));
  }
  const trust::Signers signers = trust::Signers::load(keys);
  sim::CitizenDriver driver(signers, load_seal_public_key(keys), "/test/kafka-acl", "self-service");
  kafka::Settings reader = client("channel-app");
  reader["group.id"] = "channel-app-events";  // never joined, but within its ACL's prefix
  kafka::TailReader events(reader, prefix_ + "events");
  kafka::Producer producer(client("channel-app"), nullptr);
  const std::string id = unique_name("reg");
  const sim::Command start = driver.start(id, 4242, "self-service", sim::Persona::none);
  producer.produce(prefix_ + "inbox", start.key, start.value);
  const auto deadline = std::chrono::steady_clock::now() + 150s;
  while (driver.outcome_of(id) == sim::Outcome::pending &&
         std::chrono::steady_clock::now() < deadline && daemon.running()) {
    for (const auto& m : events.poll_batch(100, 200ms)) {
      for (const auto& cmd : driver.on_event(nlohmann::json::parse(m.value))) {
        producer.produce(prefix_ + "inbox", cmd.key, cmd.value);
      }
    }
    producer.poll(0);
  }
  EXPECT_EQ(driver.outcome_of(id), sim::Outcome::issued) << "enrollmentd:\n"
                                                         << daemon.log() << "\nconnector-capture:\n"
                                                         << connectors.front()->log();
  EXPECT_EQ(daemon.stop(), 0) << daemon.log();
}

// enrollmentd's one-line refusal when the broker will not have it: a principal without ACLs
// (a valid certificate of the cluster's CA) is not shown the inbox, and the line says that
// ACLs may be why; a certificate of another CA is refused at the handshake, and librdkafka's
// reason is in the line.
TEST_F(KafkaAclTest, EnrollmentdSaysWhyTheBrokerRefusesIt) {
  ASSERT_EQ(apply_derived_acls(), RD_KAFKA_RESP_ERR_NO_ERROR);
  const TestServices services;  // its Redis
  const auto start = [&](const std::map<std::string, std::string>& env, const std::string& name) {
    ChildProcess daemon(
        {{ENROLLMENTD_BIN, "--brokers", brokers_, "--redis", services.redis_url(), "--topic-prefix",
          prefix_, "--group", group_, "--redis-namespace", unique_name("acl"), "--keys",
          (work_ / "keys").string(), "--workflows", ENROLL_WORKFLOWS_DIR, "--http", "127.0.0.1:0"},
         work_ / (name + ".log"),
         env});
    const std::optional<int> status = daemon.wait_exit(60s);
    EXPECT_EQ(status, 1) << daemon.log();
    return daemon.log();
  };
  const std::string hidden = start(tls_env("nobody"), "nobody");
  EXPECT_NE(hidden.find("enrollmentd: kafka: topic " + prefix_ +
                        "inbox does not exist, or this principal may not describe it (its ACLs: "
                        "ops/deploy/kafka-acls)\n"),
            std::string::npos)
      << hidden;
  const fs::path stranger = work_ / "stranger";
  const std::string make = std::string(ENROLL_SOURCE_DIR) + "/ops/kafka/test-certs '" +
                           stranger.string() + "' enrollmentd";
  ASSERT_EQ(std::system(make.c_str()), 0);
  std::map<std::string, std::string> env = tls_env("enrollmentd");
  env["ENROLL_KAFKA_SSL_CERTIFICATE_LOCATION"] = (stranger / "enrollmentd.pem").string();
  env["ENROLL_KAFKA_SSL_KEY_LOCATION"] = (stranger / "enrollmentd.key").string();
  const std::string refused = start(env, "stranger");
  const auto line = refused.find("enrollmentd: kafka " + brokers_ + " unreachable: ");
  ASSERT_NE(line, std::string::npos) << refused;
  EXPECT_NE(refused.find(" (", line), std::string::npos) << "no reason given:\n" << refused;
}

}  // namespace
}  // namespace enroll::test
