// Signed audit checkpoints end to end (issue 15, item 5): enrollmentd signs the chain heads of
// three registrations into checkpoints on enroll.audit; an export of the topic verifies with
// the public half of the checkpoint key alone. Then whoever can write Redis and the export
// rewrites one history consistently (the records re-hashed, the state's head and the history
// in Redis to match, so that the Redis-side check passes), drops a second chain and cuts the
// tail of a third: the export's checkpoints name all three, and a checkpoint signed by another
// key is named forged.
#include <algorithm>
#include <csignal>
#include <fstream>
#include <set>
#include <thread>

#include "adapters/keys/audit_checkpoint_key.hpp"
#include "tests/integration/orchestrator_fixture.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/metrics_text.hpp"
#include "workflows/effects.hpp"

namespace enroll::test {
namespace {
using namespace std::chrono_literals;
using nlohmann::json;

class AuditAnchorTest : public OrchestratorTest {
 protected:
  std::vector<std::string> daemon_flags() override { return {"--audit-checkpoint-interval", "1s"}; }
  // Until no partition has a head waiting for a checkpoint.
  bool wait_anchored(std::chrono::seconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < until) {
      bool pending = false;
      for (const auto& key : redis_keys(ns_ + ":{p*}:audit:pending")) {
        const auto n = redis_->command({key}, {"HLEN", key});
        pending = pending || (n->type == REDIS_REPLY_INTEGER && n->integer > 0);
      }
      if (!pending) return true;
      std::this_thread::sleep_for(200ms);
    }
    return false;
  }
  static void write(const std::filesystem::path& file, const std::vector<json>& events) {
    std::ofstream out(file);
    for (const auto& e : events) out << e.dump() << "\n";
  }
  std::string verify(const std::filesystem::path& file, const std::filesystem::path& key,
                     int expect_exit) {
    std::string out;
    EXPECT_EQ(
        enrollctl({"audit", "verify", "--file", file.string(), "--checkpoint-key", key.string()},
                  out),
        expect_exit)
        << out;
    return out;
  }
};

TEST_F(AuditAnchorTest, AnExportAloneNamesRewrittenDroppedAndCutChains) {
  sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
  const auto ids = start_self_service(driver, 3, 5300, "anchor");
  drive(driver, ids, 120s);
  ASSERT_EQ(issued(driver, ids), ids.size());
  ASSERT_TRUE(wait_anchored(30s)) << "heads still pending after 30 s";

  // The checkpoints leave through the outbox: read until each registration's last head is in
  // one.
  std::map<std::string, std::int64_t> heads;
  for (const auto& id : ids) heads[id] = stored_state(id).value()["audit_seq"];
  TopicReader audit(services_.brokers(), topics_.audit());
  ASSERT_TRUE(audit.poll_until(
      [&](const std::vector<KafkaMessage>& messages) {
        std::size_t covered = 0;
        for (const auto& m : messages) {
          const auto e = json::parse(m.value);
          if (e["type"] != "audit.checkpoint") continue;
          for (const auto& leaf : e["data"]["leaves"]) {
            const auto it = heads.find(leaf["registration_id"]);
            if (it != heads.end() && it->second == leaf["seq"]) ++covered;
          }
        }
        return covered >= ids.size();
      },
      30s));
  audit.read_to_end();
  std::vector<json> events;
  std::size_t checkpoints = 0;
  for (const auto& m : audit.messages()) {
    events.push_back(json::parse(m.value));
    if (events.back()["type"] == "audit.checkpoint") ++checkpoints;
  }
  ASSERT_GT(checkpoints, 0u);
  const auto pub = work_ / "keys" / "audit_checkpoint" / "audit_checkpoint-1.pub";
  const auto intact = work_ / "anchored.jsonl";
  write(intact, events);
  const auto out = verify(intact, pub, 0);
  EXPECT_NE(out.find("anchored by "), std::string::npos) << out;
  const auto metrics = parse_metrics(http_get(http_port(), "/metrics").body);
  EXPECT_GE(metrics.at("enroll_audit_checkpoints_total"), 1.0);

  // ids[0]: history rewritten from record 3 on (another outcome), every link re-hashed.
  std::vector<json> forged;
  std::string prev;
  json rewritten_last;
  for (auto e : events) {
    auto& d = e["data"];
    if (e["type"] == "audit.record" && d["registration_id"] == ids[0]) {
      if (d["seq"] == 3) d["outcome"] = "approved by nobody";
      if (d["seq"].get<int>() >= 3) {
        d["prev_hash"] = prev;
        d["hash"] = audit_hash_of(d);
      }
      prev = d["hash"];
      rewritten_last = d;
    }
    // ids[1]: dropped whole. ids[2]: its last record cut.
    if (e["type"] == "audit.record" && d["registration_id"] == ids[1]) continue;
    if (e["type"] == "audit.record" && d["registration_id"] == ids[2] &&
        d["seq"] == heads[ids[2]]) {
      continue;
    }
    forged.push_back(std::move(e));
  }
  // Redis rewritten to match: the state's head and the history's records (an issued
  // registration keeps no history in Redis: then only its head).
  const auto state_key = redis_keys(ns_ + ":{p*}:reg:" + ids[0]);
  const auto hist_key = redis_keys(ns_ + ":{p*}:hist:" + ids[0]);
  ASSERT_EQ(state_key.size(), 1u);
  ASSERT_LE(hist_key.size(), 1u);
  auto state = stored_state(ids[0]).value();
  state["audit_head"] = rewritten_last["hash"];
  redis_->command({state_key[0]}, {"SET", state_key[0], state.dump()});
  if (!hist_key.empty()) {
    redis_->command({hist_key[0]}, {"DEL", hist_key[0]});
    for (const auto& e : forged) {
      if (e["type"] == "audit.record" && e["data"]["registration_id"] == ids[0]) {
        redis_->command({hist_key[0]}, {"RPUSH", hist_key[0], e["data"].dump()});
      }
    }
  }
  std::string redis_out;
  const std::string url = "http://127.0.0.1:" + std::to_string(http_port());
  EXPECT_EQ(enrollctl({"--url", url, "audit", "verify", ids[0]}, redis_out), 0)
      << "the Redis-side check cannot see a consistent rewrite: " << redis_out;

  const auto tampered = work_ / "tampered.jsonl";
  write(tampered, forged);
  const auto found = verify(tampered, pub, 1);
  EXPECT_NE(found.find("rewritten_history: " + ids[0]), std::string::npos) << found;
  EXPECT_NE(found.find("dropped_chain: " + ids[1]), std::string::npos) << found;
  EXPECT_NE(found.find("cut_tail: " + ids[2]), std::string::npos) << found;
  // Without the key the rewritten export still chains: only the checkpoints tell.
  std::string chained;
  EXPECT_EQ(enrollctl({"audit", "verify", "--file", tampered.string()}, chained), 0) << chained;

  // A checkpoint key of someone else's, under the same id: every checkpoint forged.
  const auto other = work_ / "other-keys";
  add_audit_checkpoint_key(other);
  const auto forged_out = verify(intact, other / "audit_checkpoint" / "audit_checkpoint-1.pub", 1);
  EXPECT_NE(forged_out.find("forged_checkpoint: "), std::string::npos) << forged_out;
}

// A crash between the commit of heads and their checkpoint: with an interval too long to strike,
// enrollmentd is killed with the heads pending in Redis; its successor checkpoints them as soon
// as it owns their partitions, and the export verifies anchored.
class AuditAnchorCrashTest : public AuditAnchorTest {
 protected:
  std::vector<std::string> daemon_flags() override { return {"--audit-checkpoint-interval", "1h"}; }
};

TEST_F(AuditAnchorCrashTest, HeadsCommittedBeforeACrashAreCheckpointedAfterIt) {
  sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
  const auto ids = start_self_service(driver, 2, 5400, "anchor-crash");
  drive(driver, ids, 120s);
  ASSERT_EQ(issued(driver, ids), ids.size());
  ASSERT_FALSE(wait_anchored(1s)) << "the heads should still be pending (interval 1h)";

  restart_daemon(SIGKILL);
  ASSERT_TRUE(wait_anchored(60s)) << "the successor did not checkpoint the pending heads";
  wait_until_caught_up();
  TopicReader audit(services_.brokers(), topics_.audit());
  ASSERT_TRUE(audit.poll_until(
      [&](const std::vector<KafkaMessage>& messages) {
        std::set<std::string> anchored;
        for (const auto& m : messages) {
          const auto e = json::parse(m.value);
          if (e["type"] != "audit.checkpoint") continue;
          for (const auto& leaf : e["data"]["leaves"]) anchored.insert(leaf["registration_id"]);
        }
        return std::all_of(ids.begin(), ids.end(),
                           [&](const auto& id) { return anchored.count(id) == 1; });
      },
      30s));
  audit.read_to_end();
  std::vector<json> events;
  for (const auto& m : audit.messages()) {
    auto e = json::parse(m.value);
    if (e["type"] == "audit.checkpoint" ||
        std::find(ids.begin(), ids.end(), e["subject"]) != ids.end()) {
      events.push_back(std::move(e));
    }
  }
  const auto file = work_ / "after-crash.jsonl";
  write(file, events);
  const auto out = verify(file, work_ / "keys" / "audit_checkpoint" / "audit_checkpoint-1.pub", 0);
  EXPECT_NE(out.find("anchored by "), std::string::npos) << out;
}

}  // namespace
}  // namespace enroll::test
