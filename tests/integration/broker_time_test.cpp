// Time from the broker (issue 12, item 5): the engine's clock is the broker's LogAppendTime
// stamp of each inbox record, never a producer's. enrollmentd refuses an inbox whose
// message.timestamp.type is CreateTime at start-up, unless --inbox-time producer says so (the
// documented override, for the mock dev broker's tests only), and dead-letters a record that
// carries no LogAppendTime stamp (untrusted_timestamp): here the inbox is altered to
// CreateTime while enrollmentd runs.
#include <librdkafka/rdkafka.h>

#include <array>
#include <memory>
#include <thread>

#include "tests/integration/orchestrator_fixture.hpp"

namespace enroll::test {
namespace {
using namespace std::chrono_literals;

// Alters `topic`'s message.timestamp.type through the Admin API (AlterConfigs: the other
// dynamic configs of the topic go back to their defaults, which this test does not mind).
void set_timestamp_type(const std::string& brokers, const std::string& topic,
                        const std::string& type) {
  std::array<char, 512> err{};
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", brokers.c_str(), err.data(), err.size());
  std::unique_ptr<rd_kafka_t, decltype(&rd_kafka_destroy)> admin(
      rd_kafka_new(RD_KAFKA_PRODUCER, conf, err.data(), err.size()), &rd_kafka_destroy);
  ASSERT_NE(admin, nullptr) << err.data();
  std::unique_ptr<rd_kafka_queue_t, decltype(&rd_kafka_queue_destroy)> queue(
      rd_kafka_queue_new(admin.get()), &rd_kafka_queue_destroy);
  rd_kafka_ConfigResource_t* resource =
      rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.c_str());
  rd_kafka_ConfigResource_set_config(resource, "message.timestamp.type", type.c_str());
  rd_kafka_AlterConfigs(admin.get(), &resource, 1, nullptr, queue.get());
  rd_kafka_ConfigResource_destroy(resource);
  for (;;) {
    rd_kafka_event_t* ev = rd_kafka_queue_poll(queue.get(), 30000);
    ASSERT_NE(ev, nullptr) << "AlterConfigs: no answer within 30 s";
    if (rd_kafka_event_type(ev) != RD_KAFKA_EVENT_ALTERCONFIGS_RESULT) {
      rd_kafka_event_destroy(ev);
      continue;
    }
    EXPECT_EQ(rd_kafka_event_error(ev), RD_KAFKA_RESP_ERR_NO_ERROR)
        << rd_kafka_event_error_string(ev);
    std::size_t n = 0;
    const rd_kafka_ConfigResource_t** results =
        rd_kafka_AlterConfigs_result_resources(rd_kafka_event_AlterConfigs_result(ev), &n);
    ASSERT_EQ(n, 1u);
    EXPECT_EQ(rd_kafka_ConfigResource_error(results[0]), RD_KAFKA_RESP_ERR_NO_ERROR)
        << rd_kafka_ConfigResource_error_string(results[0]);
    rd_kafka_event_destroy(ev);
    return;
  }
}

// `topic`'s message.timestamp.type as the broker describes it ("" if it cannot say).
std::string timestamp_type_of(const std::string& brokers, const std::string& topic) {
  std::array<char, 512> err{};
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", brokers.c_str(), err.data(), err.size());
  std::unique_ptr<rd_kafka_t, decltype(&rd_kafka_destroy)> admin(
      rd_kafka_new(RD_KAFKA_PRODUCER, conf, err.data(), err.size()), &rd_kafka_destroy);
  if (admin == nullptr) return "";
  std::unique_ptr<rd_kafka_queue_t, decltype(&rd_kafka_queue_destroy)> queue(
      rd_kafka_queue_new(admin.get()), &rd_kafka_queue_destroy);
  rd_kafka_ConfigResource_t* resource =
      rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.c_str());
  rd_kafka_DescribeConfigs(admin.get(), &resource, 1, nullptr, queue.get());
  rd_kafka_ConfigResource_destroy(resource);
  std::string type;
  while (rd_kafka_event_t* ev = rd_kafka_queue_poll(queue.get(), 10000)) {
    if (rd_kafka_event_type(ev) == RD_KAFKA_EVENT_DESCRIBECONFIGS_RESULT) {
      std::size_t n = 0;
      const rd_kafka_ConfigResource_t** resources =
          rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(ev), &n);
      std::size_t count = 0;
      const rd_kafka_ConfigEntry_t** entries =
          n == 1 ? rd_kafka_ConfigResource_configs(resources[0], &count) : nullptr;
      for (std::size_t i = 0; i < count; ++i) {
        if (std::string(rd_kafka_ConfigEntry_name(entries[i])) == "message.timestamp.type") {
          const char* value = rd_kafka_ConfigEntry_value(entries[i]);
          type = value != nullptr ? value : "";
        }
      }
      rd_kafka_event_destroy(ev);
      break;
    }
    rd_kafka_event_destroy(ev);
  }
  return type;
}

// The dead letters of enroll.dlq whose subject is the inbox position of a record keyed `key`.
std::vector<nlohmann::json> dead_letters_of(const std::vector<KafkaMessage>& dlq,
                                            const std::string& key) {
  std::vector<nlohmann::json> out;
  for (const auto& m : dlq) {
    if (m.key == key) out.push_back(nlohmann::json::parse(m.value));
  }
  return out;
}

class BrokerTimeTest : public OrchestratorTest {};

TEST_F(BrokerTimeTest, ARecordWithoutALogAppendTimeStampIsDeadLettered) {
  sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
  // Stamped by the broker: applied.
  const auto before = start_self_service(driver, 1, 7100, "bt");
  wait_until_caught_up();
  ASSERT_TRUE(stored_state(before.at(0)).has_value());

  set_timestamp_type(services_.brokers(), topics_.inbox(), "CreateTime");
  if (HasFatalFailure()) return;
  // The controller has it; the broker applies it to the partitions' logs shortly after (a
  // record produced at once may still be stamped LogAppendTime).
  const auto by = std::chrono::steady_clock::now() + 30s;
  while (timestamp_type_of(services_.brokers(), topics_.inbox()) != "CreateTime") {
    ASSERT_LT(std::chrono::steady_clock::now(), by) << "the inbox is not CreateTime after 30 s";
    std::this_thread::sleep_for(200ms);
  }
  std::this_thread::sleep_for(2s);
  const auto after = start_self_service(driver, 1, 7101, "bt");
  wait_until_caught_up();
  EXPECT_FALSE(stored_state(after.at(0)).has_value()) << "a producer's stamp was trusted";
  TopicReader dlq(services_.brokers(), topics_.dlq());
  ASSERT_TRUE(dlq.poll_until(
      [&](const auto& all) { return !dead_letters_of(all, after.at(0)).empty(); }, 30s));
  const auto letter = dead_letters_of(dlq.messages(), after.at(0)).at(0);
  EXPECT_EQ(letter.at("data").at("error").at("code"), "untrusted_timestamp") << letter.dump();
  EXPECT_TRUE(dead_letters_of(dlq.messages(), before.at(0)).empty());
}

// A CreateTime inbox: enrollmentd does not start, and says why in one line.
class CreateTimeInboxTest : public OrchestratorTest {
 protected:
  TestServices::InboxTime inbox_time() override { return TestServices::InboxTime::create; }
};

TEST_F(CreateTimeInboxTest, EnrollmentdRefusesToStart) {
  const auto status = daemon_->wait_exit(60s);
  ASSERT_TRUE(status.has_value()) << "enrollmentd runs on a CreateTime inbox\n" << daemon_->log();
  EXPECT_EQ(*status, 1);
  const std::string log = daemon_->log();
  EXPECT_NE(log.find("enrollmentd: kafka: topic " + topics_.inbox() +
                     " has message.timestamp.type=CreateTime"),
            std::string::npos)
      << log;
  daemon_.reset();  // it ended as it should: TearDown expects a clean exit of a running one
}

// The same inbox with the override (--inbox-time producer, for the mock broker's tests): it
// runs, and the producer's stamps are its clock.
class CreateTimeOverrideTest : public CreateTimeInboxTest {
 protected:
  std::vector<std::string> daemon_flags() override { return {"--inbox-time", "producer"}; }
};

TEST_F(CreateTimeOverrideTest, EnrollmentdRunsOnTheProducersStamps) {
  sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
  const auto ids = start_self_service(driver, 1, 7200, "bt");
  wait_until_caught_up();
  EXPECT_TRUE(stored_state(ids.at(0)).has_value());
  EXPECT_TRUE(daemon_->running()) << daemon_->log();
}

}  // namespace
}  // namespace enroll::test
