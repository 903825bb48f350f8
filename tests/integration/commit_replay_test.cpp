// A commit whose reply is lost after Redis applied it (Redis killed between running commit.lua
// and answering; here a relay that drops the answer, reply_cutter.hpp): the pipeline's retry
// runs the same commit again. It must not be applied twice: the outbox would hold each message
// twice under new ids (the first ones sent only at the partition's next assignment, and the
// relay never caught up), and the minute's activity would count the events twice; an audit
// checkpoint retried so would be refused (its last checkpoint moved on) and its entry left
// unsent. Against the real Redis, through Store::commit and commit_checkpoint under the
// pipeline's RedisRetry, as the pipeline calls them.
#include <gtest/gtest.h>

#include <atomic>
#include <map>

#include "adapters/redis/connect.hpp"
#include "adapters/redis/keyspace.hpp"
#include "adapters/redis/store/store.hpp"
#include "service/pipeline/redis_retry.hpp"
#include "tests/integration/reply_cutter.hpp"
#include "tests/support/services.hpp"

namespace enroll::test {
namespace {

constexpr std::int32_t kPartition = 3;

class CommitReplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto endpoint = redis::parse_redis_url(services_.redis_url());
    cutter_ = std::make_unique<ReplyCutter>(endpoint.port);
    endpoint.port = cutter_->port();
    through_cutter_ = std::make_unique<redis::SingleNode>(endpoint);
    direct_ = redis::connect(services_.redis_url());
    store_ = std::make_unique<redis::Store>(*through_cutter_, ns_);
    epoch_ = store_->claim(kPartition).epoch;
  }
  void TearDown() override {
    for (const auto& keys : direct_->on_every_node({"KEYS", ns_ + ":*"})) {
      for (std::size_t i = 0; i < keys->elements; ++i) {
        const std::string key(keys->element[i]->str, keys->element[i]->len);
        direct_->command({key}, {"DEL", key});
      }
    }
  }

  std::string key(const std::string& suffix) const {
    return redis::keys::partition_prefix(ns_, kPartition) + suffix;
  }
  // The outbox's entry ids, oldest first, read past the relay.
  std::vector<std::string> outbox_ids() {
    const auto r = direct_->command({key("outbox")}, {"XRANGE", key("outbox"), "-", "+"});
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < r->elements; ++i) {
      ids.emplace_back(r->element[i]->element[0]->str, r->element[i]->element[0]->len);
    }
    return ids;
  }
  // Events counted applied over every minute's activity bucket of this test.
  long long applied_counted() {
    long long sum = 0;
    const auto buckets = direct_->on_every_node({"KEYS", key("act:*")});
    for (const auto& b : buckets) {
      for (std::size_t i = 0; i < b->elements; ++i) {
        const std::string k(b->element[i]->str, b->element[i]->len);
        const auto v = direct_->command({k}, {"HGET", k, "applied"});
        if (v->type == REDIS_REPLY_STRING) sum += std::stoll(std::string(v->str, v->len));
      }
    }
    return sum;
  }
  long long history_length(const std::string& id) {
    return direct_->command({key("hist:" + id)}, {"LLEN", key("hist:" + id)})->integer;
  }

  // The pipeline's commit: Store::commit under RedisRetry (inbox_pipeline.cpp).
  std::vector<std::string> commit(std::int64_t offset, const Registration& s,
                                  const std::vector<codec::OutboxMessage>& outbox) {
    redis::Activity activity;
    activity.applied = static_cast<std::int64_t>(outbox.size());
    const redis::CommitId id{++commits_};
    return retry_("commit", [&] {
      return store_->commit(kPartition, epoch_, id, offset, {{s, state_to_record(s)}}, outbox, {},
                            activity);
    });
  }
  // The pipeline's checkpoint (anchor_audit in inbox_pipeline.cpp).
  std::string checkpoint(const std::string& last, const std::string& next,
                         const std::map<std::string, std::string>& covered) {
    const redis::CommitId id{++commits_};
    const codec::OutboxMessage message{"t.audit", "checkpoint", "signed " + next, ""};
    return retry_("checkpoint", [&] {
      return store_->commit_checkpoint(kPartition, epoch_, id, last, next, message, covered);
    });
  }

  TestServices services_;
  std::string ns_ = unique_name("replay");
  std::unique_ptr<ReplyCutter> cutter_;
  std::unique_ptr<redis::Router> through_cutter_, direct_;
  std::unique_ptr<redis::Store> store_;
  std::int64_t epoch_ = 0;
  std::uint64_t commits_ = 0;
  std::atomic<bool> stopping_{false};
  RedisRetry retry_{stopping_, nullptr};
};

Registration registration(const std::string& id, std::int64_t version) {
  Registration s;
  s.id = RegistrationId(id);
  s.channel = "self-service";
  s.step = "some-step";
  s.created_at = from_millis(1000);
  s.updated_at = from_millis(1000 + version);
  s.expires_at = from_millis(3'600'000);
  s.state_version = version;
  return s;
}

std::vector<codec::OutboxMessage> messages(const std::string& id, int first_seq) {
  return {{"t.events", id, "event-" + std::to_string(first_seq), ""},
          {"t.audit", id, "audit-" + std::to_string(first_seq),
           R"({"seq":)" + std::to_string(first_seq) + "}",
           std::to_string(first_seq) + " h" + std::to_string(first_seq)}};
}

TEST_F(CommitReplayTest, ACommitWhoseReplyWasLostIsAppliedOnceAndAnswersItsFirstIds) {
  const std::string id = "reg-replay";
  // The script is cached on Redis first: the lost answer is that of EVALSHA itself.
  const auto first = commit(10, registration(id, 1), messages(id, 1));
  ASSERT_EQ(first.size(), 2u);

  cutter_->cut_next_reply();
  const auto second = commit(11, registration(id, 2), messages(id, 2));
  ASSERT_EQ(cutter_->cuts(), 1) << "the relay lost no answer: the test proves nothing";
  // Applied once: the outbox holds each message once, under the ids the retry answered (the
  // ids the relay sends and acknowledges).
  const auto ids = outbox_ids();
  ASSERT_EQ(ids.size(), 4u);
  EXPECT_EQ(std::vector<std::string>(ids.begin() + 2, ids.end()), second);
  EXPECT_EQ(applied_counted(), 4);
  EXPECT_EQ(history_length(id), 2);
  EXPECT_EQ(store_->load(kPartition, epoch_, {RegistrationId(id)})
                .states.at(RegistrationId(id))
                ->state_version,
            2);

  // The next commit is applied as any other.
  const auto third = commit(12, registration(id, 3), messages(id, 3));
  EXPECT_EQ(outbox_ids().size(), 6u);
  EXPECT_EQ(outbox_ids().back(), third.back());
  EXPECT_EQ(applied_counted(), 6);
}

TEST_F(CommitReplayTest, ACheckpointWhoseReplyWasLostIsAppliedOnceAndAnswersItsEntry) {
  const std::string id = "reg-anchor";
  commit(10, registration(id, 1), messages(id, 1));
  const auto pending = store_->audit_pending(kPartition);
  ASSERT_EQ(pending.heads, (std::map<std::string, std::string>{{id, "1 h1"}}));

  cutter_->cut_next_reply();
  const auto entry = checkpoint("", "1 r1", pending.heads);
  ASSERT_EQ(cutter_->cuts(), 1) << "the relay lost no answer: the test proves nothing";
  const auto ids = outbox_ids();
  ASSERT_EQ(ids.size(), 3u) << "two messages, one checkpoint";
  EXPECT_EQ(ids.back(), entry);
  EXPECT_EQ(store_->audit_pending(kPartition).last_checkpoint, "1 r1");
  EXPECT_TRUE(store_->audit_pending(kPartition).heads.empty());

  // A commit in between: the checkpoint's answer is no longer the last, and a stale retry of it
  // (a name that is not the last) is refused as before.
  commit(11, registration(id, 2), messages(id, 2));
  EXPECT_EQ(checkpoint("1 r1", "2 r2", store_->audit_pending(kPartition).heads).empty(), false);
  EXPECT_EQ(outbox_ids().size(), 6u);
}

}  // namespace
}  // namespace enroll::test
