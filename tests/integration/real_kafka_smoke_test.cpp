// Apache Kafka (ops/kafka/start, the `services` ctest fixture, $ENROLL_TEST_KAFKA=DIR) with the
// librdkafka that Debian ships (2.0.2 on bookworm): does every client feature the project
// uses work against the Kafka version ops/kafka/pom.xml pins (Kafka 4 removed old protocol
// versions, KIP-896)? Produces with the project's idempotent producer, consumes with its
// group consumer (eager assignment, as enrollmentd; cooperative-sticky too), commits and
// resumes, reads offsets for times and watermarks, tails with the project's TailReader, sees
// the inbox's LogAppendTime stamps, and creates and describes topics through the Admin API.
// The topics come from ops/kafka/topics (production settings) under a prefix of this run's own.
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "adapters/codec/topics.hpp"
#include "adapters/kafka/consumer.hpp"
#include "adapters/kafka/partition/partitioner.hpp"
#include "adapters/kafka/producer.hpp"
#include "adapters/kafka/tail_reader.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/kafka_probe.hpp"
#include "tests/support/services.hpp"

namespace enroll {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::filesystem::path kafka_dir() {
  const char* dir = std::getenv("ENROLL_TEST_KAFKA");
  if (dir == nullptr || *dir == '\0') {
    throw std::runtime_error(
        "ENROLL_TEST_KAFKA is not set: run this test through ctest (fixture 'services'), or run "
        "`ops/kafka/start DIR` and export ENROLL_TEST_KAFKA=DIR");
  }
  return dir;
}

std::string read_brokers(const std::filesystem::path& dir) {
  std::ifstream in(dir / "brokers");
  std::string line;
  if (!std::getline(in, line) || line.empty()) {
    throw std::runtime_error("no bootstrap list in " + (dir / "brokers").string());
  }
  return line;
}

// Runs ops/kafka/topics DIR --prefix P (the production settings of ops/kafka/topics.tsv).
void create_topics(const std::filesystem::path& dir, const std::string& prefix) {
  const auto log = std::filesystem::temp_directory_path() / (prefix + "topics.log");
  test::ChildProcess topics({.argv = {std::string(ENROLL_SOURCE_DIR) + "/ops/kafka/topics",
                                      dir.string(), "--prefix", prefix},
                             .log_file = log});
  const auto status = topics.wait_exit(120s);
  const std::string said = topics.log();
  std::filesystem::remove(log);
  if (status != 0) throw std::runtime_error("ops/kafka/topics failed: " + said);
}

// A librdkafka handle with `settings` (bootstrap.servers added); owned.
using Handle = std::unique_ptr<rd_kafka_t, decltype(&rd_kafka_destroy)>;
Handle make_handle(rd_kafka_type_t type, const std::string& brokers,
                   std::map<std::string, std::string> settings) {
  settings["bootstrap.servers"] = brokers;
  rd_kafka_conf_t* conf = kafka::make_conf(settings);
  std::array<char, 512> err{};
  rd_kafka_t* rk = rd_kafka_new(type, conf, err.data(), err.size());
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    throw std::runtime_error(std::string("rd_kafka_new: ") + err.data());
  }
  return {rk, &rd_kafka_destroy};
}

// Records what the group assigns to a consumer (starting every partition at the group's
// committed offset, else auto.offset.reset).
class Assignments : public kafka::RebalanceListener {
 public:
  std::vector<std::optional<std::int64_t>> on_assigned(
      const std::vector<kafka::TopicPartition>& partitions) override {
    ++assigned_calls;
    current.insert(partitions.begin(), partitions.end());
    return std::vector<std::optional<std::int64_t>>(partitions.size());
  }
  void on_revoked(const std::vector<kafka::TopicPartition>& partitions) override {
    ++revoked_calls;
    for (const auto& p : partitions) current.erase(p);
  }
  std::set<kafka::TopicPartition> current;
  int assigned_calls = 0;
  int revoked_calls = 0;
};

class RealKafkaSmokeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::filesystem::path(kafka_dir());
    brokers_ = new std::string(read_brokers(*dir_));
    topics_ = new Topics{.prefix = test::unique_name("smoke") + "."};
    create_topics(*dir_, topics_->prefix);
  }
  static void TearDownTestSuite() {
    delete topics_;
    delete brokers_;
    delete dir_;
  }

  // The project's producer: idempotent, murmur2; waits for every delivery and returns them.
  static std::vector<kafka::Delivery> produce(const std::string& topic,
                                              const std::vector<std::string>& keys,
                                              const std::string& value_prefix) {
    std::vector<kafka::Delivery> deliveries;
    kafka::Producer producer({{"bootstrap.servers", *brokers_}, {"acks", "all"}},
                             [&](const kafka::Delivery& d) { deliveries.push_back(d); });
    for (std::size_t i = 0; i < keys.size(); ++i) {
      producer.produce(topic, keys[i], value_prefix + std::to_string(i), i);
    }
    EXPECT_TRUE(producer.flush(30000)) << "not every message was delivered in 30 s";
    producer.poll(0);
    return deliveries;
  }

  static std::vector<std::string> keys(const std::string& stem, int count) {
    std::vector<std::string> out;
    out.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) out.push_back(stem + "-" + std::to_string(i));
    return out;
  }

  // Brokers in the bootstrap list (ops/kafka/start lists every one).
  static int broker_count() {
    return static_cast<int>(std::count(brokers_->begin(), brokers_->end(), ',')) + 1;
  }

  static inline std::filesystem::path* dir_ = nullptr;
  static inline std::string* brokers_ = nullptr;
  static inline Topics* topics_ = nullptr;
};

TEST_F(RealKafkaSmokeTest, TopicsHaveTheirProductionPartitionCountsAndReplicas) {
  EXPECT_EQ(test::partition_count(*brokers_, topics_->inbox()), 24);
  EXPECT_EQ(test::partition_count(*brokers_, topics_->events()), 24);
  EXPECT_EQ(test::partition_count(*brokers_, topics_->requests("capture")), 12);
  EXPECT_EQ(test::partition_count(*brokers_, topics_->requests("officer")), 6);
  EXPECT_EQ(test::partition_count(*brokers_, topics_->audit()), 24);
  EXPECT_EQ(test::partition_count(*brokers_, topics_->dlq()), 6);

  // Every broker known; every inbox partition on min(3, brokers) of them, all in sync.
  auto rk = make_handle(RD_KAFKA_PRODUCER, *brokers_, {});
  const rd_kafka_metadata_t* md = nullptr;
  ASSERT_EQ(rd_kafka_metadata(rk.get(), 1, nullptr, &md, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
  std::unique_ptr<const rd_kafka_metadata_t, decltype(&rd_kafka_metadata_destroy)> owned(
      md, &rd_kafka_metadata_destroy);
  EXPECT_EQ(md->broker_cnt, broker_count());
  bool found = false;
  for (int t = 0; t < md->topic_cnt; ++t) {
    if (topics_->inbox() != md->topics[t].topic) continue;
    found = true;
    for (int p = 0; p < md->topics[t].partition_cnt; ++p) {
      EXPECT_EQ(md->topics[t].partitions[p].replica_cnt, std::min(3, broker_count()));
      EXPECT_EQ(md->topics[t].partitions[p].isr_cnt, std::min(3, broker_count()));
    }
  }
  EXPECT_TRUE(found);
}

// The idempotent producer's InitProducerId and idempotent Produce, murmur2 partitioning as
// Java's, each delivery acknowledged with its partition and offset.
TEST_F(RealKafkaSmokeTest, IdempotentProducerDeliversWithMurmur2Partitions) {
  const auto ks = keys("reg", 200);
  const auto deliveries = produce(topics_->events(), ks, "v");
  ASSERT_EQ(deliveries.size(), ks.size());
  std::set<std::pair<std::int32_t, std::int64_t>> places;
  for (const auto& d : deliveries) {
    ASSERT_EQ(d.error, RD_KAFKA_RESP_ERR_NO_ERROR)
        << "message " << d.token << ": " << rd_kafka_err2str(d.error);
    EXPECT_EQ(d.partition, kafka::partition_for(ks.at(d.token), 24)) << ks.at(d.token);
    EXPECT_GE(d.offset, 0);
    places.insert({d.partition, d.offset});
  }
  EXPECT_EQ(places.size(), ks.size()) << "two messages at the same partition and offset";

  // And they read back, each once, with the key and value sent.
  test::TopicReader reader(*brokers_, topics_->events());
  reader.read_to_end(60s);
  std::map<std::string, std::string> seen;
  for (const auto& m : reader.messages()) {
    EXPECT_TRUE(seen.emplace(m.key, m.value).second) << "read twice: " << m.key;
  }
  ASSERT_EQ(seen.size(), ks.size());
  for (std::size_t i = 0; i < ks.size(); ++i) EXPECT_EQ(seen[ks[i]], "v" + std::to_string(i));
}

// The group consumer as enrollmentd uses it: eager assignment (rd_kafka_assign in the
// rebalance callback), a second member joining (revoke all, assign again, partitions
// split), offsets committed to the group and resumed from by a later member.
TEST_F(RealKafkaSmokeTest, GroupConsumerRebalancesCommitsAndResumes) {
  const std::string topic = topics_->requests("capture");  // 12 partitions
  const std::string group = test::unique_name("group");
  const kafka::Settings settings = {
      {"bootstrap.servers", *brokers_}, {"group.id", group}, {"session.timeout.ms", "10000"}};
  const auto first = keys("first", 120);
  ASSERT_EQ(produce(topic, first, "a").size(), first.size());

  Assignments a_listener;
  Assignments b_listener;
  kafka::Consumer a(settings, {topic}, &a_listener);
  std::map<std::string, int> got;
  std::map<kafka::TopicPartition, std::int64_t> next;
  const auto take = [&](kafka::Consumer& c) {
    for (const auto& m : c.poll_batch(500, 100ms)) {
      ++got[m.key];
      next[{m.topic, m.partition}] = std::max(next[{m.topic, m.partition}], m.offset + 1);
    }
  };
  auto deadline = Clock::now() + 60s;
  while (got.size() < first.size() && Clock::now() < deadline) take(a);
  ASSERT_EQ(got.size(), first.size()) << "the first member read " << got.size();
  EXPECT_EQ(a_listener.current.size(), 12U);
  for (const auto& [key, n] : got) EXPECT_EQ(n, 1) << key;

  std::vector<std::pair<kafka::TopicPartition, std::int64_t>> commits(next.begin(), next.end());
  a.commit_async(commits);

  // A second member: both must poll while the group rebalances.
  kafka::Consumer b(settings, {topic}, &b_listener);
  deadline = Clock::now() + 60s;
  while (Clock::now() < deadline &&
         !(!a_listener.current.empty() && !b_listener.current.empty() &&
           a_listener.current.size() + b_listener.current.size() == 12)) {
    take(a);
    take(b);
  }
  EXPECT_EQ(a_listener.current.size() + b_listener.current.size(), 12U);
  EXPECT_FALSE(a_listener.current.empty());
  EXPECT_FALSE(b_listener.current.empty());
  EXPECT_GE(a_listener.revoked_calls, 1) << "eager: the first member gave up all, then got some";
  for (const auto& p : a_listener.current) EXPECT_FALSE(b_listener.current.contains(p));

  // Messages sent now reach one member or the other, and none of the first ones again.
  const auto second = keys("second", 60);
  ASSERT_EQ(produce(topic, second, "b").size(), second.size());
  deadline = Clock::now() + 60s;
  while (got.size() < first.size() + second.size() && Clock::now() < deadline) {
    take(a);
    take(b);
  }
  EXPECT_EQ(got.size(), first.size() + second.size());
  for (const auto& [key, n] : got) EXPECT_EQ(n, 1) << key << " read " << n << " times";
  commits.assign(next.begin(), next.end());
  b.commit_async(commits);  // b commits for every partition (the group accepts a member's)
  a.commit_async(commits);
  b.close();
  a.close();

  // A new member of the group starts where the group's committed offsets say.
  const auto third = keys("third", 12);
  ASSERT_EQ(produce(topic, third, "c").size(), third.size());
  Assignments c_listener;
  kafka::Consumer c(settings, {topic}, &c_listener);
  std::map<std::string, int> late;
  deadline = Clock::now() + 60s;
  while (late.size() < third.size() && Clock::now() < deadline) {
    for (const auto& m : c.poll_batch(500, 100ms)) ++late[m.key];
  }
  // A little longer: nothing older may follow.
  for (int i = 0; i < 10; ++i) {
    for (const auto& m : c.poll_batch(500, 100ms)) ++late[m.key];
  }
  EXPECT_EQ(late.size(), third.size());
  for (const auto& [key, n] : late) EXPECT_EQ(key.rfind("third-", 0), 0U) << key << " again";
  c.close();
}

// offsets_for_times (ListOffsets by timestamp) as TopicReader::read_to_end and the tear-down
// checks use it: the end of every partition, and the first offset at or after a time.
TEST_F(RealKafkaSmokeTest, OffsetsForTimes) {
  const std::string topic = topics_->requests("officer");  // 6 partitions
  const auto before = produce(topic, keys("early", 30), "e");
  std::this_thread::sleep_for(50ms);
  const std::int64_t between = now_ms();
  std::this_thread::sleep_for(50ms);
  const auto after = produce(topic, keys("late", 30), "l");

  auto consumer = make_handle(RD_KAFKA_CONSUMER, *brokers_, {{"group.id", "unused"}});
  // Ends and times in two requests (a partition appears once per request).
  std::unique_ptr<rd_kafka_topic_partition_list_t, decltype(&rd_kafka_topic_partition_list_destroy)>
      ends(rd_kafka_topic_partition_list_new(6), &rd_kafka_topic_partition_list_destroy);
  std::unique_ptr<rd_kafka_topic_partition_list_t, decltype(&rd_kafka_topic_partition_list_destroy)>
      times(rd_kafka_topic_partition_list_new(6), &rd_kafka_topic_partition_list_destroy);
  for (int p = 0; p < 6; ++p) {
    rd_kafka_topic_partition_list_add(ends.get(), topic.c_str(), p)->offset = RD_KAFKA_OFFSET_END;
    rd_kafka_topic_partition_list_add(times.get(), topic.c_str(), p)->offset = between;
  }
  auto e = rd_kafka_offsets_for_times(consumer.get(), ends.get(), 10000);
  ASSERT_EQ(e, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(e);
  e = rd_kafka_offsets_for_times(consumer.get(), times.get(), 10000);
  ASSERT_EQ(e, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(e);

  std::map<std::int32_t, std::int64_t> end_of;      // one past the last offset
  std::map<std::int32_t, std::int64_t> first_late;  // the first offset of the late ones
  for (const auto& d : before) end_of[d.partition] = std::max(end_of[d.partition], d.offset + 1);
  for (const auto& d : after) {
    end_of[d.partition] = std::max(end_of[d.partition], d.offset + 1);
    const auto it = first_late.find(d.partition);
    if (it == first_late.end() || d.offset < it->second) first_late[d.partition] = d.offset;
  }
  for (int i = 0; i < 6; ++i) {
    const auto& end = ends->elems[i];
    const auto& at = times->elems[i];
    ASSERT_EQ(end.err, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(end.err);
    ASSERT_EQ(at.err, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(at.err);
    EXPECT_EQ(end.offset, end_of.contains(end.partition) ? end_of[end.partition] : 0)
        << "partition " << end.partition;
    // No message at or after the time: Kafka answers -1 (librdkafka: OFFSET_END).
    const std::int64_t want = first_late.contains(at.partition) ? first_late[at.partition] : -1;
    EXPECT_EQ(at.offset, want) << "partition " << at.partition;
  }

  // The same ends as watermarks (ListOffsets "latest", as TailReader and enroll-bench ask).
  for (int p = 0; p < 6; ++p) {
    std::int64_t low = -1;
    std::int64_t high = -1;
    ASSERT_EQ(
        rd_kafka_query_watermark_offsets(consumer.get(), topic.c_str(), p, &low, &high, 10000),
        RD_KAFKA_RESP_ERR_NO_ERROR);
    EXPECT_EQ(low, 0);
    EXPECT_EQ(high, end_of.contains(p) ? end_of[p] : 0) << "partition " << p;
  }

  // And the tests' reader, which reads to those ends.
  test::TopicReader reader(*brokers_, topic);
  reader.read_to_end(60s);
  EXPECT_EQ(reader.messages().size(), before.size() + after.size());
}

// The project's TailReader (the citizen simulator's): from the ends at its start on, every
// partition, no group.
TEST_F(RealKafkaSmokeTest, TailReaderSeesOnlyWhatFollowsItsStart) {
  const std::string topic = topics_->dlq();  // 6 partitions
  ASSERT_EQ(produce(topic, keys("old", 20), "o").size(), 20U);
  kafka::TailReader tail({{"bootstrap.servers", *brokers_}}, topic);
  ASSERT_EQ(produce(topic, keys("new", 20), "n").size(), 20U);
  std::map<std::string, int> seen;
  const auto deadline = Clock::now() + 30s;
  while (seen.size() < 20 && Clock::now() < deadline) {
    for (const auto& m : tail.poll_batch(100, 100ms)) ++seen[m.key];
  }
  EXPECT_EQ(seen.size(), 20U);
  for (const auto& [key, n] : seen) {
    EXPECT_EQ(key.rfind("new-", 0), 0U) << key << ": from before the reader started";
    EXPECT_EQ(n, 1) << key;
  }
}

// The inbox's message.timestamp.type=LogAppendTime: whatever time a producer sets, a
// consumer sees the broker's append time, typed as such; a CreateTime topic keeps the
// producer's.
TEST_F(RealKafkaSmokeTest, InboxRecordsCarryTheBrokersAppendTime) {
  const std::int64_t start = now_ms();
  test::TestProducer producer(*brokers_);
  const test::KafkaMessage old{
      .topic = "", .partition = 3, .offset = 0, .key = "k", .value = "v", .timestamp_ms = 1000};
  producer.copy(topics_->inbox(), old);
  producer.copy(topics_->events(), old);
  producer.flush(30s);
  const std::int64_t end = now_ms();

  auto reader = make_handle(RD_KAFKA_CONSUMER, *brokers_, {{"group.id", "unused"}});
  std::unique_ptr<rd_kafka_topic_partition_list_t, decltype(&rd_kafka_topic_partition_list_destroy)>
      assignment(rd_kafka_topic_partition_list_new(2), &rd_kafka_topic_partition_list_destroy);
  rd_kafka_topic_partition_list_add(assignment.get(), topics_->inbox().c_str(), 3)->offset =
      RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_topic_partition_list_add(assignment.get(), topics_->events().c_str(), 3)->offset =
      RD_KAFKA_OFFSET_BEGINNING;
  ASSERT_EQ(rd_kafka_assign(reader.get(), assignment.get()), RD_KAFKA_RESP_ERR_NO_ERROR);
  std::map<std::string, std::pair<std::int64_t, rd_kafka_timestamp_type_t>> stamps;
  const auto deadline = Clock::now() + 30s;
  while (Clock::now() < deadline && stamps.size() < 2) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(reader.get(), 100);
    if (m == nullptr) continue;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR && m->key_len == 1) {
      rd_kafka_timestamp_type_t type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
      const std::int64_t ts = rd_kafka_message_timestamp(m, &type);
      stamps[rd_kafka_topic_name(m->rkt)] = {ts, type};
    } else if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      ADD_FAILURE() << "consume: " << rd_kafka_message_errstr(m);
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(reader.get());
  ASSERT_EQ(stamps.size(), 2U);
  const auto [inbox_ts, inbox_type] = stamps.at(topics_->inbox());
  EXPECT_EQ(inbox_type, RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME);
  EXPECT_GE(inbox_ts, start - 1000) << "not the broker's time";
  EXPECT_LE(inbox_ts, end + 1000) << "not the broker's time";
  const auto [events_ts, events_type] = stamps.at(topics_->events());
  EXPECT_EQ(events_type, RD_KAFKA_TIMESTAMP_CREATE_TIME);
  EXPECT_EQ(events_ts, 1000);

  // The project's consumer copies the same stamp.
  Assignments listener;
  kafka::Consumer consumer(
      {{"bootstrap.servers", *brokers_}, {"group.id", test::unique_name("ts")}}, {topics_->inbox()},
      &listener);
  std::optional<kafka::Message> seen;
  const auto until = Clock::now() + 30s;
  while (!seen && Clock::now() < until) {
    for (auto& m : consumer.poll_batch(10, 100ms)) {
      if (m.key == "k") seen = m;
    }
  }
  consumer.close();
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->timestamp_ms, inbox_ts);
}

// Not what enrollmentd uses (it assigns eagerly), but what a later change might: the
// cooperative-sticky assignor (incremental assign and unassign) with librdkafka's classic
// group protocol. A second member takes over some partitions without the first one giving
// up the rest.
TEST_F(RealKafkaSmokeTest, CooperativeStickyRebalances) {
  struct Member {
    Handle rk{nullptr, &rd_kafka_destroy};
    std::set<int> owned;
    int revoked = 0;
  };
  const auto rebalance = [](rd_kafka_t* rk, rd_kafka_resp_err_t err,
                            rd_kafka_topic_partition_list_t* parts, void* opaque) {
    auto* m = static_cast<Member*>(opaque);
    rd_kafka_error_t* error = nullptr;
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
      error = rd_kafka_incremental_assign(rk, parts);
      for (int i = 0; i < parts->cnt; ++i) m->owned.insert(parts->elems[i].partition);
    } else {
      error = rd_kafka_incremental_unassign(rk, parts);
      m->revoked += parts->cnt;
      for (int i = 0; i < parts->cnt; ++i) m->owned.erase(parts->elems[i].partition);
    }
    if (error != nullptr) {
      ADD_FAILURE() << "incremental (un)assign: " << rd_kafka_error_string(error);
      rd_kafka_error_destroy(error);
    }
  };
  const std::string topic = topics_->requests("registry");  // 12 partitions
  const std::string group = test::unique_name("coop");
  const auto join = [&](Member& m) {
    rd_kafka_conf_t* conf =
        kafka::make_conf({{"bootstrap.servers", *brokers_},
                          {"group.id", group},
                          {"partition.assignment.strategy", "cooperative-sticky"},
                          {"enable.auto.commit", "false"}});
    rd_kafka_conf_set_opaque(conf, &m);
    rd_kafka_conf_set_rebalance_cb(conf, rebalance);
    std::array<char, 512> err{};
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err.data(), err.size());
    ASSERT_NE(rk, nullptr) << err.data();
    m.rk.reset(rk);
    rd_kafka_poll_set_consumer(rk);
    rd_kafka_topic_partition_list_t* subs = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(subs, topic.c_str(), RD_KAFKA_PARTITION_UA);
    ASSERT_EQ(rd_kafka_subscribe(rk, subs), RD_KAFKA_RESP_ERR_NO_ERROR);
    rd_kafka_topic_partition_list_destroy(subs);
  };
  const auto poll = [](Member& m) {
    rd_kafka_message_t* msg = rd_kafka_consumer_poll(m.rk.get(), 50);
    if (msg != nullptr) rd_kafka_message_destroy(msg);
  };
  Member a;
  Member b;
  join(a);
  auto deadline = Clock::now() + 60s;
  while (a.owned.size() < 12 && Clock::now() < deadline) poll(a);
  ASSERT_EQ(a.owned.size(), 12U);
  join(b);
  deadline = Clock::now() + 60s;
  while (!(a.owned.size() == 6 && b.owned.size() == 6) && Clock::now() < deadline) {
    poll(a);
    poll(b);
  }
  EXPECT_EQ(a.owned.size(), 6U);
  EXPECT_EQ(b.owned.size(), 6U);
  EXPECT_EQ(a.revoked, 6) << "cooperative: the first member gives up only what moves";
  rd_kafka_consumer_close(b.rk.get());
  rd_kafka_consumer_close(a.rk.get());
}

// The Admin API: CreateTopics with configs, DescribeConfigs (what enrollmentd would ask to
// check the inbox's timestamp type), DeleteTopics.
TEST_F(RealKafkaSmokeTest, AdminCreatesDescribesAndDeletesTopics) {
  auto admin = make_handle(RD_KAFKA_PRODUCER, *brokers_, {});
  std::unique_ptr<rd_kafka_queue_t, decltype(&rd_kafka_queue_destroy)> queue(
      rd_kafka_queue_new(admin.get()), &rd_kafka_queue_destroy);
  const auto wait_result = [&](rd_kafka_event_type_t type) {
    for (;;) {
      rd_kafka_event_t* ev = rd_kafka_queue_poll(queue.get(), 30000);
      if (ev == nullptr) throw std::runtime_error("no admin result within 30 s");
      if (rd_kafka_event_type(ev) == type) return ev;
      rd_kafka_event_destroy(ev);
    }
  };
  std::array<char, 512> err{};
  const std::string name = topics_->prefix + "admin";

  rd_kafka_NewTopic_t* topic = rd_kafka_NewTopic_new(name.c_str(), 4, 1, err.data(), err.size());
  ASSERT_NE(topic, nullptr) << err.data();
  rd_kafka_NewTopic_set_config(topic, "message.timestamp.type", "LogAppendTime");
  rd_kafka_NewTopic_set_config(topic, "retention.ms", "3600000");
  rd_kafka_CreateTopics(admin.get(), &topic, 1, nullptr, queue.get());
  rd_kafka_NewTopic_destroy(topic);
  {
    rd_kafka_event_t* ev = wait_result(RD_KAFKA_EVENT_CREATETOPICS_RESULT);
    ASSERT_EQ(rd_kafka_event_error(ev), RD_KAFKA_RESP_ERR_NO_ERROR)
        << rd_kafka_event_error_string(ev);
    std::size_t n = 0;
    const rd_kafka_topic_result_t** results =
        rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
    ASSERT_EQ(n, 1U);
    EXPECT_EQ(rd_kafka_topic_result_error(results[0]), RD_KAFKA_RESP_ERR_NO_ERROR)
        << rd_kafka_topic_result_error_string(results[0]);
    rd_kafka_event_destroy(ev);
  }
  EXPECT_EQ(test::partition_count(*brokers_, name), 4);

  for (const std::string& t : {name, topics_->inbox(), topics_->events()}) {
    rd_kafka_event_t* ev = nullptr;
    std::size_t n = 0;
    const rd_kafka_ConfigResource_t** resources = nullptr;
    // On the cluster, the broker asked may not know a topic just created yet: ask again.
    for (int attempt = 1;; ++attempt) {
      rd_kafka_ConfigResource_t* resource =
          rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, t.c_str());
      rd_kafka_DescribeConfigs(admin.get(), &resource, 1, nullptr, queue.get());
      rd_kafka_ConfigResource_destroy(resource);
      ev = wait_result(RD_KAFKA_EVENT_DESCRIBECONFIGS_RESULT);
      ASSERT_EQ(rd_kafka_event_error(ev), RD_KAFKA_RESP_ERR_NO_ERROR)
          << rd_kafka_event_error_string(ev);
      resources =
          rd_kafka_DescribeConfigs_result_resources(rd_kafka_event_DescribeConfigs_result(ev), &n);
      ASSERT_EQ(n, 1U);
      if (rd_kafka_ConfigResource_error(resources[0]) != RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
          attempt == 20) {
        break;
      }
      rd_kafka_event_destroy(ev);
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    ASSERT_EQ(rd_kafka_ConfigResource_error(resources[0]), RD_KAFKA_RESP_ERR_NO_ERROR)
        << rd_kafka_ConfigResource_error_string(resources[0]);
    std::size_t count = 0;
    const rd_kafka_ConfigEntry_t** entries = rd_kafka_ConfigResource_configs(resources[0], &count);
    std::map<std::string, std::string> configs;
    for (std::size_t i = 0; i < count; ++i) {
      const char* value = rd_kafka_ConfigEntry_value(entries[i]);
      configs[rd_kafka_ConfigEntry_name(entries[i])] = value ? value : "";
    }
    rd_kafka_event_destroy(ev);
    EXPECT_EQ(configs["message.timestamp.type"],
              t == topics_->events() ? "CreateTime" : "LogAppendTime")
        << t;
    if (t == topics_->inbox()) {
      EXPECT_EQ(configs["retention.ms"], "1209600000");
      EXPECT_EQ(configs["min.insync.replicas"], broker_count() >= 3 ? "2" : "1");
    }
  }

  rd_kafka_DeleteTopic_t* del = rd_kafka_DeleteTopic_new(name.c_str());
  rd_kafka_DeleteTopics(admin.get(), &del, 1, nullptr, queue.get());
  rd_kafka_DeleteTopic_destroy(del);
  rd_kafka_event_t* ev = wait_result(RD_KAFKA_EVENT_DELETETOPICS_RESULT);
  EXPECT_EQ(rd_kafka_event_error(ev), RD_KAFKA_RESP_ERR_NO_ERROR)
      << rd_kafka_event_error_string(ev);
  rd_kafka_event_destroy(ev);
}

}  // namespace
}  // namespace enroll
