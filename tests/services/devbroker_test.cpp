// The dev broker as tests see it: per-test topic sets with many partitions, a produce and
// consume round trip, and the fault-injection control commands.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "tests/support/kafka_probe.hpp"
#include "tests/support/services.hpp"

namespace enroll::test {
namespace {

using namespace std::chrono_literals;

class DevBrokerTest : public ::testing::Test {
 protected:
  TestServices services_;
  const std::string prefix_ = unique_name("devbroker") + ".";

  void SetUp() override { services_.create_topic_set(prefix_, 12); }
};

bool contains(const std::vector<KafkaMessage>& messages, const std::string& key,
              const std::string& value) {
  return std::any_of(messages.begin(), messages.end(),
                     [&](const KafkaMessage& m) { return m.key == key && m.value == value; });
}

TEST_F(DevBrokerTest, TopicSetHasTheContractTopicsWithTheRequestedPartitions) {
  for (const char* suffix : {"inbox", "events", "requests.capture", "requests.registry",
                             "requests.officer", "audit", "dlq"}) {
    EXPECT_EQ(partition_count(services_.brokers(), prefix_ + suffix), 12) << suffix;
  }
}

TEST_F(DevBrokerTest, CreatingAnExistingTopicSetIsAnError) {
  EXPECT_EQ(services_.control("topics create-set " + prefix_ + " 12").rfind("error ", 0), 0u);
}

TEST_F(DevBrokerTest, ProducedMessagesCanBeReadBack) {
  const std::string topic = prefix_ + "inbox";
  TestProducer producer(services_.brokers());
  for (int i = 0; i < 20; ++i) {
    producer.send(topic, "reg-" + std::to_string(i), "value-" + std::to_string(i));
  }
  producer.flush();

  TopicReader reader(services_.brokers(), topic);
  ASSERT_TRUE(reader.poll_until([](const auto& messages) { return messages.size() >= 20; }))
      << "read " << reader.messages().size() << " of 20";
  EXPECT_EQ(reader.messages().size(), 20u);
  for (int i = 0; i < 20; ++i) {
    EXPECT_TRUE(
        contains(reader.messages(), "reg-" + std::to_string(i), "value-" + std::to_string(i)))
        << i;
  }
  for (const KafkaMessage& m : reader.messages()) {
    EXPECT_EQ(m.topic, topic);
    EXPECT_GE(m.partition, 0);
    EXPECT_LT(m.partition, 12);
  }
}

TEST_F(DevBrokerTest, ControlAnswersQueries) {
  EXPECT_EQ(services_.control("ping"), "ok");
  EXPECT_EQ(services_.control("bootstraps"), "ok " + services_.brokers());
}

TEST_F(DevBrokerTest, BadControlRequestsAreErrors) {
  for (const char* request :
       {"frobnicate", "broker down", "broker down 99", "broker rtt 1 fast", "leader nope",
        "request-errors Teleport NOT_LEADER_FOR_PARTITION 1", "request-errors Produce NOPE 1",
        "request-errors Produce NOT_LEADER_FOR_PARTITION 0", "topic create bad/name 3",
        "coordinator group g 42", ""}) {
    EXPECT_EQ(services_.control(request).rfind("error ", 0), 0u) << "'" << request << "'";
  }
}

// Faults are injected into the shared broker: no other test of the devbroker fixture runs
// meanwhile (its RESOURCE_LOCK), and this one undoes them before it ends.
TEST_F(DevBrokerTest, InjectedFaultsAreAcceptedAndTheIdempotentProducerSurvivesThem) {
  const std::string topic = prefix_ + "events";
  EXPECT_EQ(services_.control("broker down 1"), "ok");
  EXPECT_EQ(services_.control("broker up 1"), "ok");
  EXPECT_EQ(services_.control("broker rtt 1 50"), "ok");
  EXPECT_EQ(services_.control("leader " + topic + " 0 2"), "ok");
  EXPECT_EQ(services_.control("coordinator group " + unique_name("group") + " 3"), "ok");
  EXPECT_EQ(services_.control("request-errors Produce NOT_LEADER_FOR_PARTITION 2"), "ok");

  TestProducer producer(services_.brokers());
  for (int i = 0; i < 12; ++i) producer.send(topic, "key-" + std::to_string(i), "after-faults");
  EXPECT_NO_THROW(producer.flush(30s));

  EXPECT_EQ(services_.control("request-errors clear Produce"), "ok");
  EXPECT_EQ(services_.control("broker rtt 1 0"), "ok");

  TopicReader reader(services_.brokers(), topic);
  EXPECT_TRUE(reader.poll_until([](const auto& messages) { return messages.size() >= 12; }))
      << "read " << reader.messages().size() << " of 12";
}

}  // namespace
}  // namespace enroll::test
