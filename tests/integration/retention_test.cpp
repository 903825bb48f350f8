// Retention end to end (--retain-finished 2s): issued registrations become tombstones through
// a timer.fire of the log; their history, meta and index entries leave Redis in the commit
// step, the funnel stays, the API answers with what is kept (history: 410), a late copy of
// the start is ignored and a new start refused, the audit chain on enroll.audit goes on to
// the purge record, and a replay of the inbox makes the same tombstones.
#include <thread>

#include "tests/integration/orchestrator_fixture.hpp"
#include "tests/support/http_client.hpp"

namespace enroll::test {
namespace {
using namespace std::chrono_literals;
using nlohmann::json;

class RetentionTest : public OrchestratorTest {
 protected:
  std::vector<std::string> daemon_flags() override { return {"--retain-finished", "2s"}; }

  // GET /v1/registrations/{id} until it shows purged_at; its last answer.
  json wait_purged(std::uint16_t port, const std::string& id, std::chrono::seconds timeout) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    json view;
    do {
      const auto r = http_get(port, "/v1/registrations/" + id, reader_token_);
      if (r.status == 200) {
        view = r.json();
        if (view.value("purged_at", json()).is_string()) return view;
      }
      std::this_thread::sleep_for(200ms);
    } while (std::chrono::steady_clock::now() < until);
    return view;
  }
  // The audit records of `id` on enroll.audit, re-sent copies dropped, by seq.
  std::map<std::int64_t, json> audit_of(const std::string& id) {
    TopicReader audit(services_.brokers(), topics_.audit());
    audit.read_to_end();
    std::map<std::int64_t, json> out;
    for (const auto& e : of(audit.messages(), id)) out[e["data"]["seq"]] = e["data"];
    return out;
  }
  void expect_out_of_the_read_side(const std::string& id) {
    EXPECT_TRUE(redis_keys(ns_ + ":{p*}:hist:" + id).empty()) << id;
    EXPECT_TRUE(redis_keys(ns_ + ":{p*}:meta:" + id).empty()) << id;
    for (const auto& index : redis_keys(ns_ + ":{p*}:idx:*")) {
      const auto score = redis_->command({index}, {"ZSCORE", index, id});
      EXPECT_EQ(score->type, REDIS_REPLY_NIL) << id << " still in " << index;
    }
  }
};

TEST_F(RetentionTest, FinishedRegistrationsArePurgedToTombstones) {
  sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
  const auto ids = start_self_service(driver, 3, 6100, "retain");
  drive(driver, ids, 120s);
  ASSERT_EQ(issued(driver, ids), ids.size());
  const auto port = http_port();

  for (const auto& id : ids) {
    const auto view = wait_purged(port, id, 60s);
    ASSERT_TRUE(view.value("purged_at", json()).is_string()) << view.dump();
    EXPECT_EQ(view["status"], "issued");
    EXPECT_EQ(view["phase"], "issued");
    EXPECT_EQ(view["channel"], "self-service");
    EXPECT_FALSE(view.contains("citizen_id")) << view.dump();

    const auto state = stored_state(id);
    ASSERT_TRUE(state);
    EXPECT_FALSE(state->contains("captured"));
    EXPECT_FALSE(state->contains("citizen_id"));
    const auto key = redis_keys(ns_ + ":{p*}:reg:" + id);
    ASSERT_EQ(key.size(), 1u);
    EXPECT_LT(redis_->command({key[0]}, {"STRLEN", key[0]})->integer, 2000);
    expect_out_of_the_read_side(id);

    const auto history = http_get(port, "/v1/registrations/" + id + "/history", reader_token_);
    EXPECT_EQ(history.status, 410) << history.body;
    EXPECT_EQ(history.error_code(), "history_purged");
    EXPECT_NE(history.body.find("enroll.audit"), std::string::npos) << history.body;

    // The chain on enroll.audit ends with the purge record, by the system.
    const auto records = audit_of(id);
    ASSERT_FALSE(records.empty());
    EXPECT_EQ(records.rbegin()->first, (*state)["audit_seq"].get<std::int64_t>());
    EXPECT_EQ(records.rbegin()->second["outcome"], "purged");
    EXPECT_EQ(records.rbegin()->second["actor"]["role"], "orchestrator");
    EXPECT_EQ(records.rbegin()->second["hash"], (*state)["audit_head"]);
  }
  expect_exactly_once(ids);

  // The listing no longer shows them; the funnel still counts them.
  for (const std::string query : {"", "?status=issued", "?channel=self-service"}) {
    const auto list = http_get(port, "/v1/registrations" + query, reader_token_);
    ASSERT_EQ(list.status, 200) << list.body;
    EXPECT_TRUE(list.json()["items"].empty()) << query << ": " << list.body;
  }
  const auto funnel =
      http_get(port, "/v1/stats/funnel", reader_token_).json()["channels"]["self-service"];
  EXPECT_EQ(funnel["status"]["issued"], ids.size()) << funnel.dump();
  EXPECT_EQ(funnel["reached"]["issued"], ids.size()) << funnel.dump();

  // An operator action is refused as for any ended registration.
  {
    HttpConnection c(port);
    const auto r = c.request(
        "POST", "/v1/registrations/" + ids[0] + "/cancel",
        {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + operator_token_}},
        json{{"reason", "late"}}.dump());
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_EQ(r.error_code(), "registration_ended");
  }

  // enrollctl: the purged one is reported as purged, not broken; the walk meets none.
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  std::string out;
  EXPECT_EQ(enrollctl({"--url", url, "audit", "verify", ids[1]}, out), 0) << out;
  EXPECT_NE(out.find("purged: " + ids[1]), std::string::npos) << out;
  EXPECT_EQ(out.find("broken"), std::string::npos) << out;
  EXPECT_EQ(enrollctl({"--url", url, "--json", "audit", "verify", ids[1]}, out), 0) << out;
  EXPECT_EQ(json::parse(out)["purged"].size(), 1u) << out;
  EXPECT_EQ(enrollctl({"--url", url, "audit", "verify"}, out), 0) << out;
  EXPECT_EQ(enrollctl({"--url", url, "status", ids[1]}, out), 0) << out;
  EXPECT_NE(out.find("purged"), std::string::npos) << out;
  EXPECT_EQ(enrollctl({"--url", url, "history", ids[1]}, out), 1) << out;
  EXPECT_NE(out.find("history_purged"), std::string::npos) << out;

  // The first start again, late: the same message (same id) is a duplicate, ignored (the
  // tombstone keeps the dedupe window); a new start for the id (another event id) is refused
  // and creates nothing.
  TopicReader inbox(services_.brokers(), topics_.inbox());
  inbox.read_to_end();
  std::string start;
  for (const auto& m : inbox.messages()) {
    const auto e = json::parse(m.value);
    if (m.key == ids[0] && e["type"] == "registration.start") start = m.value;
  }
  ASSERT_FALSE(start.empty());
  const auto before = stored_state(ids[0]).value();
  TopicReader events(services_.brokers(), topics_.events());
  events.read_to_end();
  const auto seen = of(events.messages(), ids[0]).size();
  send(ids[0], start);
  wait_until_caught_up();
  events.read_to_end();
  EXPECT_EQ(of(events.messages(), ids[0]).size(), seen) << "the copy caused an event";
  EXPECT_EQ(stored_state(ids[0]).value(), before);

  auto again = json::parse(start);
  again["id"] = again["id"].get<std::string>() + "-again";
  send(ids[0], resigned(again));
  ASSERT_TRUE(events.poll_until(
      [&](const auto& all) {
        const auto mine = of(all, ids[0]);
        return mine.size() > seen && mine.back()["type"] == "command.rejected";
      },
      60s));
  wait_until_caught_up();  // anything more it caused is on Kafka now
  events.read_to_end();
  EXPECT_EQ(of(events.messages(), ids[0]).size(), seen + 1);
  const auto after = stored_state(ids[0]).value();
  EXPECT_EQ(after["purged_at"], before["purged_at"]);
  EXPECT_EQ(after["created_at"], before["created_at"]);
  EXPECT_EQ(after["state_version"], before["state_version"]);
  EXPECT_EQ(after["audit_seq"], before["audit_seq"].get<std::int64_t>() + 1);
  expect_out_of_the_read_side(ids[0]);
  expect_exactly_once(ids);
  // The purges came through the log: a replay of the inbox makes the same tombstones.
  expect_matches_reference();
}

}  // namespace
}  // namespace enroll::test
