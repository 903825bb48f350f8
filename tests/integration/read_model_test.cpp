// The read side in Redis, against the real server: what commit.lua keeps in the same step as
// the states (indexes by last change, meta, funnel counters, the history list) and what
// ReadModel reads back (list.lua's walk, the merge over partitions and its cursors). States
// are committed through Store::commit, as the pipeline does, without Kafka.
#include "adapters/redis/read_model.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "adapters/codec/history_line.hpp"
#include "adapters/kafka/partition/partitioner.hpp"
#include "adapters/redis/connect.hpp"
#include "adapters/redis/keyspace.hpp"
#include "adapters/redis/store/store.hpp"
#include "tests/support/services.hpp"
#include "workflows/crypto/field_cipher.hpp"
#include "workflows/effects.hpp"

namespace enroll::test {
namespace {

constexpr std::int32_t kPartitions = 4;

Registration reg(const std::string& id, const std::string& channel, RegistrationState phase,
                 RegistrationState state, std::int64_t changed_ms) {
  Registration s;
  s.id = RegistrationId(id);
  s.channel = channel;
  s.phase = phase;
  s.position.state = state;
  s.step = "some-step";
  s.created_at = from_millis(1000);
  s.updated_at = from_millis(changed_ms);
  s.expires_at = from_millis(changed_ms + 3'600'000);
  return s;
}

// The seq of each history record (JSON) of a page.
std::vector<int> seqs(const std::vector<std::string>& records) {
  std::vector<int> out;
  for (const auto& r : records) out.push_back(nlohmann::json::parse(r).at("seq").get<int>());
  return out;
}

class ReadModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    redis_ = redis::connect(services_.redis_url());
    store_ = std::make_unique<redis::Store>(*redis_, ns_);
    reader_ = redis::connect(services_.redis_url());
    model_ = std::make_unique<redis::ReadModel>(*reader_, ns_, kPartitions);
    for (std::int32_t p = 0; p < kPartitions; ++p) epochs_[p] = store_->claim(p).epoch;
  }
  void TearDown() override {
    for (const auto& keys : redis_->on_every_node({"KEYS", ns_ + ":*"})) {
      for (std::size_t i = 0; i < keys->elements; ++i) {
        const std::string key(keys->element[i]->str, keys->element[i]->len);
        redis_->command({key}, {"DEL", key});
      }
    }
  }

  // Commits the states, each to its partition, `batch` at a time, with their outboxes.
  void commit(const std::vector<Registration>& states,
              const std::vector<codec::OutboxMessage>& outbox = {}, std::size_t batch = 200) {
    std::map<std::int32_t, std::vector<Registration>> by_partition;
    for (const auto& s : states) {
      by_partition[kafka::partition_for(s.id.str(), kPartitions)].push_back(s);
    }
    std::map<std::int32_t, std::vector<codec::OutboxMessage>> out_by_partition;
    for (const auto& m : outbox) {
      out_by_partition[kafka::partition_for(m.key, kPartitions)].push_back(m);
    }
    for (std::int32_t p = 0; p < kPartitions; ++p) {
      const auto& all = by_partition[p];
      for (std::size_t i = 0; i < all.size() || (i == 0 && !out_by_partition[p].empty());
           i += batch) {
        std::vector<redis::StoredState> part;
        for (std::size_t k = i; k < std::min(i + batch, all.size()); ++k) {
          part.push_back({all[k], state_to_record(all[k])});
        }
        store_->commit(p, epochs_[p], next_commit(), std::nullopt, part,
                       i == 0 ? out_by_partition[p] : std::vector<codec::OutboxMessage>{});
      }
    }
  }

  // Every page of a listing, following the cursors; fails on a position seen twice.
  std::vector<redis::ListedRegistration> all_pages(const redis::ListFilter& filter,
                                                   std::size_t limit,
                                                   std::size_t* pages = nullptr) {
    std::vector<redis::ListedRegistration> out;
    std::optional<redis::ListPosition> after;
    std::size_t n = 0;
    do {
      const auto page = model_->list(filter, after, limit);
      EXPECT_LE(page.items.size(), limit);
      for (const auto& item : page.items) {
        if (!out.empty()) {
          EXPECT_LT(out.back().position, item.position) << "order or repeat";
        }
        out.push_back(item);
      }
      if (page.next) {
        EXPECT_TRUE(!after || *after < *page.next) << "the cursor did not move";
      }
      after = page.next;
      EXPECT_LT(++n, 10'000u);
    } while (after && n < 10'000);
    if (pages != nullptr) *pages = n;
    return out;
  }

  // A commit's name, new for each (a retry would repeat one: commit_replay_test).
  redis::CommitId next_commit() { return {++commits_}; }

  std::int64_t funnel(const std::string& channel, const std::string& counter) {
    auto f = model_->funnel();
    return f[channel][counter];
  }

  TestServices services_;
  std::string ns_ = unique_name("readmodel");
  std::unique_ptr<redis::Router> redis_, reader_;
  std::unique_ptr<redis::Store> store_;
  std::unique_ptr<redis::ReadModel> model_;
  std::map<std::int32_t, std::int64_t> epochs_;
  std::uint64_t commits_ = 0;
};

std::vector<std::string> ids_of(const std::vector<redis::ListedRegistration>& items) {
  std::vector<std::string> out;
  for (const auto& i : items) out.push_back(i.position.id);
  return out;
}

TEST_F(ReadModelTest, IndexesAndFunnelFollowEveryChange) {
  const std::string id = "reg-moves";
  using RS = RegistrationState;
  commit({reg(id, "kiosk", RegistrationState::consent, RS::consent, 10'000)});
  EXPECT_EQ(funnel("kiosk", "reached:consent"), 1);
  EXPECT_EQ(funnel("kiosk", "status:active"), 1);
  EXPECT_EQ(funnel("kiosk", "active:consent"), 1);
  EXPECT_EQ(ids_of(model_->list({.phase = RegistrationState::consent}, std::nullopt, 10).items),
            std::vector<std::string>{id});

  commit({reg(id, "kiosk", RegistrationState::card, RS::card, 11'000)});
  EXPECT_TRUE(model_->list({.phase = RegistrationState::consent}, std::nullopt, 10).items.empty());
  EXPECT_EQ(ids_of(model_->list({.phase = RegistrationState::card}, std::nullopt, 10).items),
            std::vector<std::string>{id});
  EXPECT_EQ(funnel("kiosk", "active:consent"), 0);
  EXPECT_EQ(funnel("kiosk", "active:card"), 1);
  EXPECT_EQ(funnel("kiosk", "reached:card"), 1);

  // Back to consent and on again: reached once, however often.
  commit({reg(id, "kiosk", RegistrationState::consent, RS::consent, 12'000)});
  commit({reg(id, "kiosk", RegistrationState::card, RS::card, 13'000)});
  EXPECT_EQ(funnel("kiosk", "reached:consent"), 1);
  EXPECT_EQ(funnel("kiosk", "reached:card"), 1);

  // Locked in biometrics, then handed over to another channel.
  commit({reg(id, "kiosk", RegistrationState::biometrics, RS::locked, 14'000)});
  EXPECT_EQ(funnel("kiosk", "status:active"), 0);
  EXPECT_EQ(funnel("kiosk", "status:locked"), 1);
  EXPECT_EQ(funnel("kiosk", "active:card"), 0);
  EXPECT_EQ(ids_of(model_->list({.status = Status::locked}, std::nullopt, 10).items),
            std::vector<std::string>{id});
  commit({reg(id, "officer-assisted", RegistrationState::biometrics, RS::biometrics, 15'000)});
  EXPECT_EQ(funnel("kiosk", "status:locked"), 0);
  EXPECT_EQ(funnel("officer-assisted", "status:active"), 1);
  EXPECT_EQ(funnel("officer-assisted", "reached:biometrics"), 1);
  EXPECT_TRUE(model_->list({.channel = "kiosk"}, std::nullopt, 10).items.empty());
  EXPECT_TRUE(model_->list({.status = Status::locked}, std::nullopt, 10).items.empty());

  commit({reg(id, "officer-assisted", RegistrationState::issued, RS::issued, 16'000)});
  EXPECT_EQ(funnel("officer-assisted", "status:active"), 0);
  EXPECT_EQ(funnel("officer-assisted", "status:issued"), 1);
  EXPECT_EQ(funnel("officer-assisted", "reached:issued"), 1);
  const auto page = model_->list({.channel = "officer-assisted"}, std::nullopt, 10);
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].position, (redis::ListPosition{16'000, id}));
  EXPECT_EQ(page.items[0].phase, "issued");
  EXPECT_EQ(page.items[0].status, "issued");
  EXPECT_EQ(page.next, std::nullopt);

  // The state itself, read from its partition.
  const auto stored = model_->registration(RegistrationId(id)).state;
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->channel, "officer-assisted");
  const auto unknown = model_->registration(RegistrationId("reg-unknown"));
  EXPECT_EQ(unknown.state, std::nullopt);
  EXPECT_FALSE(unknown.quarantine);
}

// commit.lua's whole layout in one call: states (with the read side's fields), fired timers
// (removed from the timers, nothing else), then the outbox with its history records.
TEST_F(ReadModelTest, StatesFiredTimersAndOutboxInOneStep) {
  using RS = RegistrationState;
  // Two registrations of one partition, both with a timer (active: their expiry).
  const std::string fired = "reg-fired", moved = "reg-moved";
  std::string second = moved;
  for (int i = 0;
       kafka::partition_for(second, kPartitions) != kafka::partition_for(fired, kPartitions); ++i) {
    second = moved + "-" + std::to_string(i);
  }
  const auto p = kafka::partition_for(fired, kPartitions);
  commit({reg(fired, "kiosk", RegistrationState::card, RS::card, 20'000),
          reg(second, "kiosk", RegistrationState::consent, RS::consent, 20'000)});
  const std::string timers = ns_ + ":{p" + std::to_string(p) + "}:timers";
  EXPECT_EQ(redis_->command({timers}, {"ZCARD", timers})->integer, 2);

  const auto updated = reg(second, "kiosk", RegistrationState::card, RS::card, 21'000);
  store_->commit(p, epochs_[p], next_commit(), std::nullopt, {{updated, state_to_record(updated)}},
                 {{"t.inbox", fired, "timer.fire", ""}, {"t.audit", second, "e", R"({"seq":1})"}},
                 {RegistrationId(fired)});
  // The fired one left the timers; the updated one is there with its new due time.
  const auto left = redis_->command({timers}, {"ZRANGE", timers, "0", "-1", "WITHSCORES"});
  ASSERT_EQ(left->elements, 2u);
  EXPECT_EQ(std::string(left->element[0]->str, left->element[0]->len), second);
  EXPECT_EQ(std::string(left->element[1]->str, left->element[1]->len),
            std::to_string(21'000 + 3'600'000));
  // Both are still listed; the updated one moved on; only it has a history.
  EXPECT_EQ(ids_of(model_->list({.phase = RegistrationState::card}, std::nullopt, 10).items),
            (std::vector<std::string>{fired, second}));
  EXPECT_EQ(funnel("kiosk", "active:card"), 2);
  EXPECT_EQ(seqs(model_->history(RegistrationId(second), 0, 10)->records), std::vector<int>{1});
  EXPECT_EQ(model_->history(RegistrationId(fired), 0, 10)->total, 0);
  EXPECT_EQ(model_->outbox_backlog({p}), 2);
}

// A Redis that lost its script cache (a restart, a fail-over): the listing runs list.lua by
// its text (EVAL_RO) and goes on, and so does the commit step.
TEST_F(ReadModelTest, ListingAndCommitSurviveALostScriptCache) {
  commit(
      {reg("reg-cache-a", "kiosk", RegistrationState::consent, RegistrationState::consent, 30'000),
       reg("reg-cache-b", "kiosk", RegistrationState::consent, RegistrationState::consent,
           31'000)});
  redis_->on_every_node({"SCRIPT", "FLUSH"});
  EXPECT_EQ(ids_of(model_->list({.channel = "kiosk"}, std::nullopt, 10).items),
            (std::vector<std::string>{"reg-cache-a", "reg-cache-b"}));
  redis_->on_every_node({"SCRIPT", "FLUSH"});
  commit({reg("reg-cache-c", "kiosk", RegistrationState::consent, RegistrationState::consent,
              32'000)});
  EXPECT_EQ(model_->list({.channel = "kiosk"}, std::nullopt, 10).items.size(), 3u);
}

// Audit checkpoints (issue 15, item 5): each commit marks the registration's newest head
// pending; checkpoint.lua puts the checkpoint in the outbox, moves the partition's last
// checkpoint on and clears the heads it covers, but not one that moved on since it was read,
// and refuses a stale last checkpoint or epoch.
TEST_F(ReadModelTest, AuditHeadsStayPendingUntilACheckpointCoversThem) {
  const std::string id = "reg-anchor";
  const auto p = kafka::partition_for(id, kPartitions);
  auto record = [&](int seq) {
    return codec::OutboxMessage{"t.audit", id, "envelope", R"({"seq":)" + std::to_string(seq) + "}",
                                std::to_string(seq) + " h" + std::to_string(seq)};
  };
  commit({reg(id, "self-service", RegistrationState::consent, RegistrationState::consent, 1'000)},
         {record(1), record(2), {"t.events", id, "event", ""}});
  auto pending = store_->audit_pending(p);
  EXPECT_EQ(pending.heads, (std::map<std::string, std::string>{{id, "2 h2"}}));
  EXPECT_EQ(pending.last_checkpoint, "");

  // Read, then the registration moves on before the checkpoint commits: its head stays.
  const auto read = pending.heads;
  commit({}, {record(3)});
  const codec::OutboxMessage checkpoint{"t.audit", "checkpoint-p0", "signed", ""};
  EXPECT_FALSE(store_->commit_checkpoint(p, epochs_[p], next_commit(), "", "1 r1", checkpoint, read)
                   .empty());
  pending = store_->audit_pending(p);
  EXPECT_EQ(pending.heads, (std::map<std::string, std::string>{{id, "3 h3"}}));
  EXPECT_EQ(pending.last_checkpoint, "1 r1");
  EXPECT_EQ(model_->outbox_backlog({p}), 5) << "three records, an event, the checkpoint";

  // A writer that read an older last checkpoint, or an older epoch, changes nothing.
  EXPECT_THROW(store_->commit_checkpoint(p, epochs_[p], next_commit(), "", "1 other", checkpoint,
                                         pending.heads),
               redis::StaleEpochError);
  EXPECT_THROW(store_->commit_checkpoint(p, epochs_[p] - 1, next_commit(), "1 r1", "2 r2",
                                         checkpoint, pending.heads),
               redis::StaleEpochError);
  EXPECT_EQ(store_->audit_pending(p).heads.size(), 1u);
  store_->commit_checkpoint(p, epochs_[p], next_commit(), "1 r1", "2 r2", checkpoint,
                            pending.heads);
  EXPECT_TRUE(store_->audit_pending(p).heads.empty());
  EXPECT_EQ(store_->audit_pending(p).last_checkpoint, "2 r2");
}

TEST_F(ReadModelTest, HistoryIsTheAuditRecordsOfTheOutbox) {
  const std::string id = "reg-history";
  std::vector<codec::OutboxMessage> outbox;
  for (int i = 1; i <= 5; ++i) {
    outbox.push_back({"t.audit", id, "envelope", R"({"seq":)" + std::to_string(i) + "}"});
    outbox.push_back({"t.events", id, "event", ""});  // not audit: not in the history
  }
  commit({reg(id, "self-service", RegistrationState::consent, RegistrationState::consent, 1'000)},
         outbox);
  const auto all = model_->history(RegistrationId(id), 0, 100);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->total, 5);
  ASSERT_EQ(all->records.size(), 5u);
  EXPECT_EQ(seqs(all->records), (std::vector<int>{1, 2, 3, 4, 5}));
  const auto page = model_->history(RegistrationId(id), 3, 10);
  ASSERT_TRUE(page);
  EXPECT_EQ(seqs(page->records), (std::vector<int>{4, 5}));
  EXPECT_EQ(model_->history(RegistrationId("reg-unknown"), 0, 10), std::nullopt);
  // The outbox still holds every message for the relay.
  std::vector<std::int32_t> all_partitions{0, 1, 2, 3};
  EXPECT_EQ(model_->outbox_backlog(all_partitions), 10);
}

// The history keeps a compact form of each audit record (codec::history_line, appended by
// commit.lua, read back by history_record.cpp): what the API shows (seq, time, actor, from, to,
// phase, step, outcome), not the hashes, inputs or cause (those are on enroll.audit); ~70 bytes a
// record. Once issued, the history goes and its records (and later ones) are counted as dropped.
TEST_F(ReadModelTest, HistoryIsCompactAndGoesWhenIssued) {
  const std::string id = "reg-compact";
  AuditRecord a;
  a.registration_id = RegistrationId(id);
  a.seq = 1;
  a.at = from_millis(1'796'437'683'342);  // 2026-12-05T02:28:03.342Z
  a.actor.role = "officer";
  a.actor.principal = "kiosk-app";
  a.actor.officer = "off-7";
  a.cause = EventId("c-1");
  a.from = a.to = "consent/accept-terms";
  a.phase = "consent";
  a.step = "accept-terms";
  a.outcome = "started";
  a.input_sha256 = std::string(64, 'a');
  a.prev_hash = "";
  a.hash = std::string(64, 'b');
  auto b = a;
  b.seq = 2;
  b.at = from_millis(1'796'437'683'500);
  b.to = "review";
  b.phase = "review";
  b.step = "wait";
  b.outcome = "not_authorised: tab\there";
  b.actor.officer.clear();
  b.actor.operator_id = "alice";
  b.cause = EventId(id + "/c2");
  const auto as_outbox = [&](const AuditRecord& r) {
    return codec::OutboxMessage{"t.audit", id, "envelope", codec::history_line(r),
                                codec::audit_head(r)};
  };
  commit({reg(id, "kiosk", RegistrationState::consent, RegistrationState::consent, 1'000)},
         {as_outbox(a), as_outbox(b)});
  const auto page = model_->history(RegistrationId(id), 0, 10);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->records.size(), 2u);
  const auto first = nlohmann::json::parse(page->records[0]);
  EXPECT_EQ(first,
            (nlohmann::json{
                {"seq", 1},
                {"at", "2026-12-05T02:28:03.342Z"},
                {"actor", {{"role", "officer"}, {"principal", "kiosk-app"}, {"officer", "off-7"}}},
                {"cause", "c-1"},
                {"from", "consent/accept-terms"},
                {"to", "consent/accept-terms"},
                {"phase", "consent"},
                {"step", "accept-terms"},
                {"outcome", "started"}}));
  const auto second = nlohmann::json::parse(page->records[1]);
  EXPECT_EQ(second["at"], "2026-12-05T02:28:03.500Z");
  EXPECT_EQ(second["actor"]["operator"], "alice");
  EXPECT_EQ(second["cause"], id + "/c2");
  EXPECT_EQ(second["from"], "consent/accept-terms");
  EXPECT_EQ(second["to"], "review");
  EXPECT_EQ(second["phase"], "review");
  EXPECT_EQ(second["step"], "wait");
  EXPECT_EQ(second["outcome"], "not_authorised: tab here");
  // Compact in Redis: well under the ~600 bytes of the whole record.
  const auto p = kafka::partition_for(id, kPartitions);
  const std::string hist = ns_ + ":{p" + std::to_string(p) + "}:hist:" + id;
  const auto stored = redis_->command({hist}, {"LINDEX", hist, "0"});
  ASSERT_EQ(stored->type, REDIS_REPLY_STRING);
  EXPECT_LT(stored->len, 100u) << std::string(stored->str, stored->len);

  // Issued: the list goes, its records and the issuing one are counted as dropped; so is a
  // later one (a refused command, audited).
  auto c = b;
  c.seq = 3;
  commit({reg(id, "kiosk", RegistrationState::issued, RegistrationState::issued, 2'000)},
         {as_outbox(c)});
  EXPECT_EQ(redis_->command({hist}, {"EXISTS", hist})->integer, 0);
  auto issued = model_->history(RegistrationId(id), 0, 10);
  ASSERT_TRUE(issued);
  EXPECT_EQ(issued->total, 0);
  EXPECT_EQ(issued->dropped, 3);
  EXPECT_FALSE(issued->purged_at);
  c.seq = 4;
  commit({reg(id, "kiosk", RegistrationState::issued, RegistrationState::issued, 3'000)},
         {as_outbox(c)});
  EXPECT_EQ(model_->history(RegistrationId(id), 0, 10)->dropped, 4);
  EXPECT_EQ(redis_->command({hist}, {"EXISTS", hist})->integer, 0);
}

// Retention: a tombstone leaves every index, its meta and its history go, and no later audit
// record of it makes a history again; the funnel's counters stay (aggregates).
TEST_F(ReadModelTest, ATombstoneLeavesTheReadSideButTheFunnelStays) {
  using RS = RegistrationState;
  const std::string id = "reg-tomb", other = "reg-kept";
  commit({reg(id, "kiosk", RegistrationState::card, RS::card, 1'000),
          reg(other, "kiosk", RegistrationState::card, RS::card, 1'500)},
         {{"t.audit", id, "e", R"({"seq":1})"}});
  commit({reg(id, "kiosk", RegistrationState::issued, RS::issued, 2'000)},
         {{"t.audit", id, "e", R"({"seq":2})"}});
  // Issued: its history went at once, its records counted (compact history, issue 16).
  ASSERT_EQ(model_->history(RegistrationId(id), 0, 10)->total, 0);
  ASSERT_EQ(model_->history(RegistrationId(id), 0, 10)->dropped, 2);
  const auto funnel_before = model_->funnel();
  EXPECT_EQ(funnel_before.at("kiosk").at("status:issued"), 1);

  auto tomb =
      tombstone(reg(id, "kiosk", RegistrationState::issued, RS::issued, 3'000), from_millis(3'000));
  commit({tomb}, {{"t.audit", id, "e", R"({"seq":3})"}});
  // Gone from every listing: all, its channel, its phase and status (the other one is active).
  EXPECT_EQ(ids_of(all_pages({}, 10)), std::vector<std::string>{other});
  EXPECT_EQ(ids_of(all_pages({.channel = "kiosk"}, 10)), std::vector<std::string>{other});
  EXPECT_TRUE(all_pages({.phase = RegistrationState::issued}, 10).empty());
  EXPECT_TRUE(all_pages({.status = Status::issued}, 10).empty());
  const auto p = kafka::partition_for(id, kPartitions);
  const std::string prefix = ns_ + ":{p" + std::to_string(p) + "}:";
  for (const auto* suffix : {"meta:", "hist:"}) {
    const std::string key = prefix + suffix + id;
    EXPECT_EQ(redis_->command({key}, {"EXISTS", key})->integer, 0) << key;
  }
  const auto page = model_->history(RegistrationId(id), 0, 10);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->purged_at, from_millis(3'000));
  EXPECT_EQ(page->total, 0);
  EXPECT_EQ(model_->funnel(), funnel_before);
  ASSERT_TRUE(model_->registration(RegistrationId(id)).state);
  EXPECT_TRUE(model_->registration(RegistrationId(id)).state->purged());

  // A later change of the tombstone (a refused command, audited): still no history, no listing.
  tomb.audit_seq = 4;
  tomb.updated_at = from_millis(4'000);
  commit({tomb}, {{"t.audit", id, "e", R"({"seq":4})"}});
  EXPECT_EQ(model_->history(RegistrationId(id), 0, 10)->total, 0);
  EXPECT_EQ(ids_of(all_pages({}, 10)), std::vector<std::string>{other});
  EXPECT_EQ(model_->funnel(), funnel_before);
}

TEST_F(ReadModelTest, PagesCoverEveryPartitionInOrderOnceWithTies) {
  std::vector<Registration> states;
  std::vector<redis::ListPosition> expected;
  for (int i = 0; i < 60; ++i) {
    // Every third change shares its millisecond with the next ones: ties ordered by id.
    const std::int64_t ms = 100'000 + (i / 3) * 10;
    const std::string id = "reg-" + std::to_string(1000 - i);
    const bool issued = i % 4 == 0;
    states.push_back(reg(id, i % 2 == 0 ? "self-service" : "kiosk",
                         issued ? RegistrationState::issued : RegistrationState::card,
                         issued ? RegistrationState::issued : RegistrationState::card, ms));
    expected.push_back({ms, id});
  }
  commit(states);
  std::sort(expected.begin(), expected.end());
  for (std::size_t limit : {1u, 7u, 60u, 1000u}) {
    std::size_t pages = 0;
    const auto got = all_pages({}, limit, &pages);
    std::vector<redis::ListPosition> positions;
    for (const auto& g : got) positions.push_back(g.position);
    EXPECT_EQ(positions, expected) << "limit " << limit;
    EXPECT_EQ(pages, (60 + limit - 1) / limit + (60 % limit == 0 && limit < 60 ? 1 : 0))
        << "limit " << limit;
  }
  // Filters, alone and together.
  EXPECT_EQ(all_pages({.status = Status::issued}, 4).size(), 15u);
  EXPECT_EQ(all_pages({.channel = "kiosk"}, 4).size(), 30u);
  EXPECT_EQ(all_pages({.phase = RegistrationState::card, .channel = "self-service"}, 4).size(),
            15u);
  for (const auto& r :
       all_pages({.phase = RegistrationState::card, .channel = "self-service"}, 4)) {
    EXPECT_EQ(r.channel, "self-service");
    EXPECT_EQ(r.phase, "card");
    EXPECT_EQ(r.status, "active");
  }
  EXPECT_TRUE(all_pages({.phase = RegistrationState::issued, .status = Status::active}, 4).empty());
  // Changed at or before: the first ten milliseconds' worth.
  const auto early = all_pages({.changed_before = from_millis(100'030)}, 5);
  EXPECT_EQ(early.size(), 12u);
  for (const auto& r : early) EXPECT_LE(r.position.changed_ms, 100'030);
  EXPECT_EQ(model_->active_changed_before({0, 1, 2, 3}, from_millis(100'030)), 9);
}

TEST_F(ReadModelTest, AFilterTheIndexCannotAnswerStopsAfterABoundedWalk) {
  // 1,100 issued kiosk registrations come first in one partition's status index, then three
  // issued self-service ones: a walk of the status index examines 1,000 members per page,
  // so the first page is short, says where it stopped, and the next one finds the three.
  std::vector<Registration> states;
  std::vector<std::string> want;
  const auto same_partition = [](const std::string& id) {
    return kafka::partition_for(id, kPartitions) == 0;
  };
  for (int i = 0; states.size() < 1100; ++i) {
    const std::string id = "reg-k" + std::to_string(i);
    if (!same_partition(id)) continue;
    states.push_back(reg(id, "kiosk", RegistrationState::issued, RegistrationState::issued,
                         200'000 + static_cast<std::int64_t>(states.size())));
  }
  for (int i = 0; want.size() < 3; ++i) {
    const std::string id = "reg-s" + std::to_string(i);
    if (!same_partition(id)) continue;
    states.push_back(reg(id, "self-service", RegistrationState::issued, RegistrationState::issued,
                         300'000 + static_cast<std::int64_t>(want.size())));
    want.push_back(id);
  }
  commit(states);
  const redis::ListFilter filter{.status = Status::issued, .channel = "self-service"};
  const auto first = model_->list(filter, std::nullopt, 10);
  EXPECT_TRUE(first.items.empty());
  ASSERT_TRUE(first.next) << "a short page must say where the walk stopped";
  std::size_t pages = 0;
  EXPECT_EQ(ids_of(all_pages(filter, 10, &pages)), want);
  EXPECT_EQ(pages, 2u);
  EXPECT_EQ(funnel("kiosk", "status:issued"), 1100);
  EXPECT_EQ(funnel("self-service", "reached:issued"), 3);
}

// An outbox entry that the broker refuses for good is parked: moved with its reason to the
// partition's parked stream in one step, never re-sent from the outbox.
TEST_F(ReadModelTest, AParkedOutboxEntryLeavesTheOutboxWithItsReason) {
  const auto s =
      reg("park-1", "self-service", RegistrationState::card, RegistrationState::card, 5000);
  commit({s}, {{"t.events", "park-1", "too big", ""}, {"t.events", "park-1", "fine", ""}});
  const auto p = kafka::partition_for("park-1", kPartitions);
  auto pending = store_->pending_outbox(p);
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_TRUE(store_->park_outbox(p, pending[0].entry_id, "Broker: Message size too large"));
  EXPECT_FALSE(store_->park_outbox(p, pending[0].entry_id, "again")) << "parked twice";
  pending = store_->pending_outbox(p);
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].message.value, "fine");
  EXPECT_EQ(store_->parked_count(p), 1u);
  const std::string parked = ns_ + ":{p" + std::to_string(p) + "}:parked";
  const auto entries = redis_->command({parked}, {"XRANGE", parked, "-", "+"});
  ASSERT_EQ(entries->elements, 1u);
  std::map<std::string, std::string> fields;
  const auto* f = entries->element[0]->element[1];
  for (std::size_t i = 0; i + 1 < f->elements; i += 2) {
    fields[std::string(f->element[i]->str, f->element[i]->len)] =
        std::string(f->element[i + 1]->str, f->element[i + 1]->len);
  }
  EXPECT_EQ(fields["v"], "too big");
  EXPECT_EQ(fields["k"], "park-1");
  EXPECT_EQ(fields["reason"], "Broker: Message size too large");
}

// With a field key the outbox is sealed (issue 15), as bytes since issue 16: Redis holds
// neither the message nor base64 text, and the relay reads the message back. An entry an
// earlier version sealed as text is still read; one whose bytes changed is parked.
TEST_F(ReadModelTest, SealedOutboxEntriesOpenInEitherFormAndAChangedOneIsParked) {
  const std::vector<unsigned char> key_bytes(crypto::kFieldKeyBytes, 9);
  const crypto::FieldCipher cipher({crypto::FieldKey{"field-1", key_bytes}});
  redis::Store sealed(*redis_, ns_, &cipher);
  const auto s =
      reg("sealed-1", "self-service", RegistrationState::card, RegistrationState::card, 7000);
  const std::string message = R"({"data":{"citizen_id":"1101700230708"}})";
  const std::string place = "outbox/t.tasks/sealed-1";
  const auto p = kafka::partition_for("sealed-1", kPartitions);
  sealed.commit(p, epochs_[p], next_commit(), std::nullopt, {{s, state_to_record(s)}},
                {{"t.tasks", "sealed-1", message, ""}});
  const std::string outbox = ns_ + ":{p" + std::to_string(p) + "}:outbox";
  const auto stored = redis_->command({outbox}, {"XRANGE", outbox, "-", "+"});
  ASSERT_EQ(stored->elements, 1u);
  const auto* fields = stored->element[0]->element[1];
  ASSERT_EQ(fields->elements, 6u);
  const std::string value(fields->element[5]->str, fields->element[5]->len);
  EXPECT_EQ(value.front(), crypto::kSealedBinaryMarker);
  EXPECT_EQ(value.find("1101700230708"), std::string::npos);
  EXPECT_EQ(value.size(), 2 + std::string("field-1").size() + 24 + message.size() + 16);

  redis_->command({outbox}, {"XADD", outbox, "*", "t", "t.tasks", "k", "sealed-1", "v",
                             cipher.seal(message, place)});
  std::string changed = cipher.seal_binary(message, place);
  changed[changed.size() / 2] = static_cast<char>(changed[changed.size() / 2] ^ 1);
  redis_->command({outbox}, {"XADD", outbox, "*", "t", "t.tasks", "k", "sealed-1", "v", changed});
  const auto pending = sealed.pending_outbox(p);
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(pending[0].message.value, message);
  EXPECT_EQ(pending[1].message.value, message);
  EXPECT_EQ(sealed.parked_count(p), 1u);
}

// A registration's history list keeps its first history_cap records; the rest are counted.
TEST_F(ReadModelTest, AHistoryStopsGrowingAtItsCapAndCountsWhatItDrops) {
  const auto s =
      reg("capped-1", "self-service", RegistrationState::card, RegistrationState::card, 6000);
  const std::size_t extra = 7;
  std::vector<codec::OutboxMessage> outbox;
  for (std::size_t i = 0; i < redis::history_cap + extra; ++i) {
    outbox.push_back({"t.audit", "capped-1", "e", R"({"seq":)" + std::to_string(i + 1) + "}"});
  }
  commit({s}, outbox);
  const auto page = model_->history(RegistrationId("capped-1"), 0, 5);
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->total, static_cast<std::int64_t>(redis::history_cap));
  EXPECT_EQ(page->dropped, static_cast<std::int64_t>(extra));
  EXPECT_EQ(seqs(page->records), (std::vector<int>{1, 2, 3, 4, 5}));
}

// Quarantine: a stored state that cannot be decoded is moved aside by Store::load in one
// fenced step (quarantine.lua), the read side follows, and later loads keep reporting it.
// The one-active-registration claim (issue 14): no TTL, held until its registration releases
// it at its end. A claim whose holder has ended all the same (its release lost with writes a
// Redis fail-over dropped) or is unknown is taken over; one a running registration holds, or
// one written before holders named their partition, is not.
TEST_F(ReadModelTest, ACitizenClaimLastsExactlyAsLongAsItsRegistration) {
  using RS = RegistrationState;
  const std::string hash = unique_name("citizen");
  const std::string claim_key = ns_ + ":citizen:" + hash;
  const auto partition = [](const RegistrationId& id) {
    return kafka::partition_for(id.str(), kPartitions);
  };
  const RegistrationId a("claim-a"), b("claim-b"), c("claim-c");
  commit({reg(a.str(), "self-service", RS::card, RS::card, 1000),
          reg(b.str(), "self-service", RS::card, RS::card, 1000)});
  ASSERT_TRUE(store_->claim_citizen(hash, {}, a, partition(a)));
  EXPECT_TRUE(store_->claim_citizen(hash, {}, a, partition(a))) << "held already";
  EXPECT_EQ(redis_->command({claim_key}, {"TTL", claim_key})->integer, -1) << "no TTL";
  EXPECT_FALSE(store_->claim_citizen(hash, {}, b, partition(b))) << "a is still running";

  // a ends, but its release never comes: b finds a ended and takes the claim over.
  commit({reg(a.str(), "self-service", RS::card, RS::cancelled, 2000)});
  EXPECT_TRUE(store_->claim_citizen(hash, {}, b, partition(b)));
  store_->release_citizen(hash, {}, a, partition(a));  // a's release, late: b keeps it
  EXPECT_FALSE(store_->claim_citizen(hash, {}, c, partition(c))) << "b is running";
  store_->release_citizen(hash, {}, b, partition(b));
  EXPECT_EQ(redis_->command({claim_key}, {"EXISTS", claim_key})->integer, 0);

  // A holder no partition knows (its state gone): taken over.
  redis_->command({claim_key}, {"SET", claim_key, "3|claim-ghost"});
  EXPECT_TRUE(store_->claim_citizen(hash, {}, c, partition(c)));
  // A claim of the old form (a bare id, with its TTL): left to its TTL, refused meanwhile; its
  // holder's own claim still recognises it, and renews it in the new form without the TTL.
  redis_->command({claim_key}, {"SET", claim_key, b.str(), "EX", "600"});
  EXPECT_FALSE(store_->claim_citizen(hash, {}, c, partition(c)));
  EXPECT_TRUE(store_->claim_citizen(hash, {}, b, partition(b)));
  EXPECT_EQ(redis_->command({claim_key}, {"TTL", claim_key})->integer, -1);
}

// A rotation of the citizen_hash key (issue 15): a claim made under the older version still
// refuses a second registration of that citizen, its holder's release clears it, and its
// holder's next claim moves it to the current version's key.
TEST_F(ReadModelTest, AClaimMadeBeforeACitizenHashRotationStillCounts) {
  using RS = RegistrationState;
  const std::string old_hash = unique_name("citizen-v1");
  const std::string new_hash = unique_name("citizen-v2");
  const std::string old_key = ns_ + ":citizen:" + old_hash;
  const std::string new_key = ns_ + ":citizen:" + new_hash;
  const auto partition = [](const RegistrationId& id) {
    return kafka::partition_for(id.str(), kPartitions);
  };
  const RegistrationId a("rot-a"), b("rot-b"), c("rot-c");
  commit({reg(a.str(), "self-service", RS::card, RS::card, 1000),
          reg(b.str(), "self-service", RS::card, RS::card, 1000)});
  ASSERT_TRUE(store_->claim_citizen(old_hash, {}, a, partition(a))) << "before the rotation";

  EXPECT_FALSE(store_->claim_citizen(new_hash, {old_hash}, b, partition(b)))
      << "a, running, holds the claim under the older version";
  EXPECT_EQ(redis_->command({new_key}, {"EXISTS", new_key})->integer, 0) << "b took nothing";

  // a claims again after the rotation (a retried step): its claim moves to the current key.
  EXPECT_TRUE(store_->claim_citizen(new_hash, {old_hash}, a, partition(a)));
  EXPECT_EQ(redis_->command({old_key}, {"EXISTS", old_key})->integer, 0);
  EXPECT_FALSE(store_->claim_citizen(new_hash, {old_hash}, b, partition(b)));

  // Released under every version: then b may.
  store_->release_citizen(new_hash, {old_hash}, a, partition(a));
  EXPECT_TRUE(store_->claim_citizen(new_hash, {old_hash}, b, partition(b)));
  store_->release_citizen(new_hash, {old_hash}, b, partition(b));

  // An older claim whose holder has ended (its release lost) is dropped, not obeyed.
  ASSERT_TRUE(store_->claim_citizen(old_hash, {}, a, partition(a)));
  commit({reg(a.str(), "self-service", RS::card, RS::cancelled, 2000)});
  EXPECT_TRUE(store_->claim_citizen(new_hash, {old_hash}, c, partition(c)));
  EXPECT_EQ(redis_->command({old_key}, {"EXISTS", old_key})->integer, 0);
  // A release that names only the older hash (a request made before the rotation) still
  // releases a claim made under it.
  store_->release_citizen(new_hash, {}, c, partition(c));
  ASSERT_TRUE(store_->claim_citizen(old_hash, {}, b, partition(b)));
  store_->release_citizen(old_hash, {}, b, partition(b));
  EXPECT_EQ(redis_->command({old_key}, {"EXISTS", old_key})->integer, 0);
}

TEST_F(ReadModelTest, AStateThatCannotBeDecodedIsQuarantinedByTheLoad) {
  using RS = RegistrationState;
  const auto in_partition_0 = [](const std::string& stem) {
    for (int i = 0;; ++i) {
      const std::string id = stem + std::to_string(i);
      if (kafka::partition_for(id, kPartitions) == 0) return RegistrationId(id);
    }
  };
  const auto bad = in_partition_0("reg-bad-");
  const auto good = in_partition_0("reg-good-");
  const auto unknown = in_partition_0("reg-none-");
  commit({reg(bad.str(), "kiosk", RegistrationState::card, RS::card, 20'000),
          reg(good.str(), "kiosk", RegistrationState::card, RS::card, 21'000)});
  EXPECT_EQ(funnel("kiosk", "active:card"), 2);
  // A downgrade, or a hand edit: a phase this code does not know.
  const auto state_key = store_->state_key(0, bad);
  // Edited in its JSON form (still read), as a hand edit would be made.
  const auto stored = redis_->command({state_key}, {"GET", state_key});
  auto record = state_to_json(state_from_record(std::string(stored->str, stored->len)));
  record["phase"] = "teleported";
  const std::string raw = record.dump();
  redis_->command({state_key}, {"SET", state_key, raw});

  // The read side reports it before the pipeline has moved it, and does not throw.
  auto seen = model_->registration(bad);
  ASSERT_TRUE(seen.quarantine);
  EXPECT_FALSE(seen.state);
  EXPECT_FALSE(seen.quarantine->at);
  EXPECT_NE(seen.quarantine->reason.find("phase"), std::string::npos) << seen.quarantine->reason;

  const auto loaded = store_->load(0, epochs_[0], {bad, good, unknown});
  EXPECT_EQ(loaded.quarantined, std::set<RegistrationId>{bad});
  EXPECT_EQ(loaded.states.count(bad), 0u);
  ASSERT_TRUE(loaded.states.at(good).has_value());
  EXPECT_EQ(loaded.states.at(good)->id, good);
  EXPECT_FALSE(loaded.states.at(unknown).has_value());

  // Moved: the raw record under quar:<id> with the reason, the state key and its timer gone.
  const auto quarantine_key = redis::keys::partition_key(ns_, 0, "quar:" + bad.str());
  EXPECT_EQ(redis_->command({state_key}, {"EXISTS", state_key})->integer, 0);
  const auto kept = redis_->command({quarantine_key}, {"HGET", quarantine_key, "record"});
  ASSERT_EQ(kept->type, REDIS_REPLY_STRING);
  EXPECT_EQ(std::string(kept->str, kept->len), raw);
  const auto reason = redis_->command({quarantine_key}, {"HGET", quarantine_key, "reason"});
  ASSERT_EQ(reason->type, REDIS_REPLY_STRING);
  EXPECT_NE(std::string(reason->str).find("unknown name 'teleported'"), std::string::npos)
      << reason->str;
  const auto timers = redis::keys::partition_key(ns_, 0, "timers");
  EXPECT_EQ(redis_->command({timers}, {"ZSCORE", timers, bad.str()})->type, REDIS_REPLY_NIL);
  EXPECT_EQ(redis_->command({timers}, {"ZSCORE", timers, good.str()})->type, REDIS_REPLY_STRING);

  // The read side: listed as quarantined (channel and phase as before), no longer active;
  // the funnel moved it; the API's reads answer its quarantine; the gauge counts it.
  const auto listed = model_->list({.status = Status::quarantined}, std::nullopt, 10).items;
  ASSERT_EQ(ids_of(listed), std::vector<std::string>{bad.str()});
  EXPECT_EQ(listed[0].channel, "kiosk");
  EXPECT_EQ(listed[0].phase, "card");
  EXPECT_EQ(listed[0].status, "quarantined");
  EXPECT_EQ(listed[0].position.changed_ms, 20'000);
  EXPECT_EQ(ids_of(model_->list({.status = Status::active}, std::nullopt, 10).items),
            std::vector<std::string>{good.str()});
  EXPECT_EQ(funnel("kiosk", "status:quarantined"), 1);
  EXPECT_EQ(funnel("kiosk", "status:active"), 1);
  EXPECT_EQ(funnel("kiosk", "active:card"), 1);
  EXPECT_EQ(model_->count_in({0, 1, 2, 3}, Status::quarantined), 1);
  seen = model_->registration(bad);
  ASSERT_TRUE(seen.quarantine);
  EXPECT_TRUE(seen.quarantine->at);
  const auto history = model_->history(bad, 0, 10);
  ASSERT_TRUE(history);
  EXPECT_TRUE(history->quarantine);

  // Later loads report it quarantined, also when a state appears under its key again (a new
  // registration.start must not start over it).
  redis_->command(
      {state_key},
      {"SET", state_key,
       state_to_json(reg(bad.str(), "kiosk", RegistrationState::consent, RS::consent, 30'000))
           .dump()});
  EXPECT_EQ(store_->load(0, epochs_[0], {bad}).quarantined, std::set<RegistrationId>{bad});
}

TEST_F(ReadModelTest, RecordsTooDeepTooLargeOrNotJsonAreQuarantinedNotCrashed) {
  std::vector<RegistrationId> ids;
  for (int i = 0; ids.size() < 3; ++i) {
    const std::string id = "reg-x" + std::to_string(i);
    if (kafka::partition_for(id, kPartitions) == 1) ids.emplace_back(id);
  }
  const std::vector<std::string> records{std::string(300'000, '['),
                                         "\"" + std::string(2 << 20, 'x') + "\"", "\x01\x02"};
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const auto k = store_->state_key(1, ids[i]);
    redis_->command({k}, {"SET", k, records[i]});
  }
  const auto loaded = store_->load(1, epochs_[1], ids);
  EXPECT_EQ(loaded.quarantined, std::set<RegistrationId>(ids.begin(), ids.end()));
  EXPECT_TRUE(loaded.states.empty());
  // No meta before (never committed): listed all the same, channel and phase unknown.
  const auto listed = model_->list({.status = Status::quarantined}, std::nullopt, 10).items;
  EXPECT_EQ(listed.size(), 3u);
  for (const auto& item : listed) EXPECT_EQ(item.channel, "");
}

TEST_F(ReadModelTest, AQuarantineIsFencedByThePartitionsEpoch) {
  RegistrationId id;
  for (int i = 0; id.empty(); ++i) {
    const std::string candidate = "reg-f" + std::to_string(i);
    if (kafka::partition_for(candidate, kPartitions) == 2) id = RegistrationId(candidate);
  }
  const auto k = store_->state_key(2, id);
  redis_->command({k}, {"SET", k, "{}"});
  const auto stale = epochs_[2];
  epochs_[2] = store_->claim(2).epoch;  // another instance claims the partition
  // Not ours to move: reported quarantined (this instance's commit is refused anyway), moved
  // by the owner.
  EXPECT_EQ(store_->load(2, stale, {id}).quarantined, std::set<RegistrationId>{id});
  EXPECT_EQ(redis_->command({k}, {"EXISTS", k})->integer, 1);
  EXPECT_EQ(store_->load(2, epochs_[2], {id}).quarantined, std::set<RegistrationId>{id});
  EXPECT_EQ(redis_->command({k}, {"EXISTS", k})->integer, 0);
}

TEST_F(ReadModelTest, TheStepFilterReadsMetaAndCountsMatchTheListing) {
  using RS = RegistrationState;
  std::vector<Registration> all;
  const auto at = [&](const std::string& id, const std::string& channel, RS phase, RS state,
                      const std::string& step) {
    auto s = reg(id, channel, phase, state, 10'000 + static_cast<std::int64_t>(all.size()));
    s.step = step;
    all.push_back(s);
  };
  for (int i = 0; i < 12; ++i)
    at("sel-" + std::to_string(i), "kiosk", RS::biometrics, RS::biometrics, "selfie");
  for (int i = 0; i < 8; ++i)
    at("card-" + std::to_string(i), "kiosk", RS::card, RS::card, "card-front");
  for (int i = 0; i < 5; ++i)
    at("done-" + std::to_string(i), "self-service", RS::biometrics, RS::issued, "selfie");
  commit(all);

  const auto count = [&](const redis::ListFilter& f) { return model_->count(f); };
  const auto listed = [&](const redis::ListFilter& f) { return all_pages(f, 7).size(); };
  const redis::ListFilter selfie{.step = "selfie"};
  const redis::ListFilter active_selfie{.status = Status::active, .step = "selfie"};
  EXPECT_EQ(listed(selfie), 17u);
  EXPECT_EQ(listed(active_selfie), 12u);
  for (const auto& item : all_pages(active_selfie, 100)) EXPECT_EQ(item.step, "selfie");
  EXPECT_EQ(count(selfie).count, 17);  // walked
  EXPECT_TRUE(count(selfie).exact);
  EXPECT_EQ(count(active_selfie).count, 12);
  EXPECT_EQ(count({.channel = "kiosk", .step = "card-front"}).count, 8);
  EXPECT_EQ(count({.status = Status::active}).count, 20);  // one index: ZCOUNT
  EXPECT_EQ(count({.status = Status::issued, .channel = "kiosk"}).count, 0);
  EXPECT_EQ(count({}).count, 25);
  EXPECT_EQ(count({.step = "nowhere"}).count, 0);
  EXPECT_EQ(count({.status = Status::active, .changed_before = from_millis(10'000 + 5)}).count,
            6);  // stuck_for: a score range of the index

  // A change of step alone (same channel, phase and status) moves it between step filters.
  auto moved = all[12];  // card-0
  moved.step = "card-back";
  moved.updated_at = from_millis(20'000);
  commit({moved});
  EXPECT_EQ(count({.step = "card-front"}).count, 7);
  EXPECT_EQ(count({.step = "card-back"}).count, 1);

  // Meta without a step (committed before meta had one): no step filter matches it until its
  // next change; listed with an empty step.
  const auto p = kafka::partition_for("sel-0", kPartitions);
  const auto meta = redis::keys::partition_key(ns_, p, std::string(redis::keys::meta) + "sel-0");
  redis_->command({meta}, {"HDEL", meta, "step"});
  EXPECT_EQ(count(active_selfie).count, 11);
  bool seen = false;
  for (const auto& item : all_pages({.status = Status::active}, 100)) {
    if (item.position.id == "sel-0") {
      seen = true;
      EXPECT_EQ(item.step, "");
    }
  }
  EXPECT_TRUE(seen);
  auto again = all[0];
  again.updated_at = from_millis(30'000);
  commit({again});
  EXPECT_EQ(count(active_selfie).count, 12);
}

TEST_F(ReadModelTest, ACountWalksEveryPartitionInSlices) {
  // More than one slice (10,000 examined per partition and call) in some partition.
  std::vector<Registration> all;
  for (int i = 0; i < 45'000; ++i) {
    auto s = reg("r-" + std::to_string(i), "kiosk", RegistrationState::card,
                 RegistrationState::card, 10'000 + i);
    s.step = i % 3 == 0 ? "card-front" : "card-back";
    all.push_back(std::move(s));
  }
  commit(all, {}, 1000);
  const auto c = model_->count({.step = "card-front"});
  EXPECT_EQ(c.count, 15'000);
  EXPECT_TRUE(c.exact);
  EXPECT_EQ(model_->count({.status = Status::active, .step = "card-back"}).count, 30'000);
}

}  // namespace
}  // namespace enroll::test

namespace enroll::test {
namespace {

// The dashboard's counters (commit.lua): registrations per step and status now, and each
// minute's activity: moves between the journey's nodes, events applied, step failures.
TEST_F(ReadModelTest, StepCountersAndTheMinutesActivityFollowEveryMove) {
  using RS = RegistrationState;
  const auto at = [](Registration s, std::string step) {
    s.step = std::move(step);
    return s;
  };
  const std::string a = "reg-steps-a", b = "reg-steps-b";
  commit({at(reg(a, "kiosk", RS::card, RS::card, 1'000), "read-chip"),
          at(reg(b, "kiosk", RS::card, RS::card, 1'000), "read-chip")});
  EXPECT_EQ(model_->steps(), (redis::StepCounts{{"kiosk", {{"read-chip", {{"active", 2}}}}}}));
  // a moves on within the phase, then is rejected there; b stays.
  commit({at(reg(a, "kiosk", RS::card, RS::card, 2'000), "claim-citizen")});
  commit({at(reg(a, "kiosk", RS::card, RS::rejected, 3'000), "claim-citizen")});
  // Committed again unchanged (a refused command): no move, nothing counted twice.
  commit({at(reg(a, "kiosk", RS::card, RS::rejected, 4'000), "claim-citizen")});
  EXPECT_EQ(
      model_->steps(),
      (redis::StepCounts{
          {"kiosk", {{"read-chip", {{"active", 1}}}, {"claim-citizen", {{"rejected", 1}}}}}}));

  // The activity of a batch: events applied and failures by task, in the current minute.
  const auto p = kafka::partition_for(b, kPartitions);
  const auto moved = at(reg(b, "kiosk", RS::card, RS::card, 5'000), "claim-citizen");
  store_->commit(p, epochs_[p], next_commit(), std::nullopt, {{moved, state_to_record(moved)}}, {},
                 {}, {3, {{"card.verify", 2}, {"other", 1}}});
  const auto now = std::chrono::duration_cast<std::chrono::minutes>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  const auto minutes = model_->activity(now - 59, now);
  std::map<std::string, std::int64_t> hour;
  for (const auto& [minute, counts] : minutes) {
    EXPECT_GE(minute, now - 1);  // this minute (or the one before, if it just turned)
    for (const auto& [field, n] : counts) hour[field] += n;
  }
  EXPECT_EQ(hour, (std::map<std::string, std::int64_t>{{"applied", 3},
                                                       {"f:card.verify", 2},
                                                       {"f:other", 1},
                                                       {"e:kiosk:read-chip:claim-citizen", 2},
                                                       {"e:kiosk:claim-citizen:rejected", 1}}));
  // Each bucket expires an hour after its minute ends.
  const auto bucket = redis::keys::partition_key(
      ns_, p, std::string(redis::keys::activity) + std::to_string(minutes.rbegin()->first));
  const auto ttl = redis_->command({bucket}, {"TTL", bucket})->integer;
  EXPECT_GT(ttl, 3540);
  EXPECT_LE(ttl, 3660);

  // A tombstone keeps its count (an aggregate, as the funnel's); a quarantine moves it.
  commit({tombstone(at(reg(a, "kiosk", RS::card, RS::rejected, 6'000), "claim-citizen"),
                    from_millis(6'000))});
  EXPECT_EQ(model_->steps().at("kiosk").at("claim-citizen").at("rejected"), 1);
  const auto state_key = store_->state_key(p, RegistrationId(b));
  redis_->command({state_key}, {"SET", state_key, "not json"});
  EXPECT_EQ(store_->load(p, epochs_[p], {RegistrationId(b)}).quarantined.size(), 1u);
  EXPECT_EQ(
      model_->steps(),
      (redis::StepCounts{{"kiosk", {{"claim-citizen", {{"rejected", 1}, {"quarantined", 1}}}}}}));
  // A Redis without the activity of an hour ago: nothing, not an error.
  EXPECT_TRUE(model_->activity(now - 200, now - 141).empty());
}

}  // namespace
}  // namespace enroll::test
