// Every inbound command delivered twice, and afterwards every connector result delivered
// again, late and in reverse order (with new ids): duplicates change nothing and emit
// nothing; late results are ignored and audited; states and chains stay exactly-once.
#include <algorithm>

#include "tests/integration/orchestrator_fixture.hpp"
#include "workflows/audit_chain.hpp"

namespace enroll::test {
namespace {
using namespace std::chrono_literals;

class DuplicatesTest : public OrchestratorTest {};

TEST_F(DuplicatesTest, TwiceDeliveredCommandsAndLateResultsChangeNothing) {
  sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
  duplicate_sends_ = true;
  const auto ids = start_self_service(driver, 40, 4000, "dup");
  const auto events = drive(driver, ids, 180s);
  duplicate_sends_ = false;
  for (const auto& id : ids) EXPECT_EQ(driver.outcome_of(id), sim::Outcome::issued) << id;

  // Each registration emitted each of its events once (ids are unique).
  std::map<std::string, int> per_id;
  for (const auto& m : events) ++per_id[nlohmann::json::parse(m.value).at("id")];
  for (const auto& [id, n] : per_id) EXPECT_EQ(n, 1) << id << " emitted " << n << " times";

  std::map<std::string, nlohmann::json> before;
  for (const auto& id : ids) before[id] = *stored_state(id);
  TopicReader events_before(services_.brokers(), topics_.events());
  events_before.read_to_end();

  // Every result again, late, newest first, under new ids.
  TopicReader inbox(services_.brokers(), topics_.inbox());
  inbox.read_to_end();
  std::vector<KafkaMessage> results;
  for (const auto& m : inbox.messages()) {
    const auto e = nlohmann::json::parse(m.value, nullptr, false);
    if (!e.is_discarded() && e.value("type", "") == "task.result" &&
        std::find(ids.begin(), ids.end(), e.value("subject", "")) != ids.end()) {
      results.push_back(m);
    }
  }
  ASSERT_GE(results.size(), ids.size() * 6);
  std::reverse(results.begin(), results.end());
  for (const auto& m : results) {
    auto e = nlohmann::json::parse(m.value);
    e["id"] = e["id"].get<std::string>() + "/late";
    producer_->send(topics_.inbox(), m.key, resigned(e));
  }
  producer_->flush();
  // Counted incrementally: the predicate runs after every poll.
  TopicReader audit(services_.brokers(), topics_.audit());
  std::size_t ignored = 0, counted = 0;
  ASSERT_TRUE(audit.poll_until(
      [&](const std::vector<KafkaMessage>& all) {
        for (; counted < all.size(); ++counted) {
          const auto e = nlohmann::json::parse(all[counted].value);
          if (is_checkpoint_event(e)) continue;
          const std::string outcome = e["data"]["outcome"];
          if (outcome.rfind("ignored_late_result", 0) == 0) ++ignored;
        }
        return ignored >= results.size();
      },
      60s))
      << "not every late result was audited: " << ignored << " of " << results.size();
  for (const auto& id : ids) {
    const auto after = *stored_state(id);
    EXPECT_EQ(after.at("machine"), "issued");
    EXPECT_EQ(after.at("state_version"), before[id].at("state_version")) << id;
    EXPECT_EQ(after.at("captured").at("identity"), before[id].at("captured").at("identity")) << id;
  }
  // Once every late result is applied and every output acknowledged, count.
  wait_until_caught_up();
  TopicReader events_after(services_.brokers(), topics_.events());
  events_after.read_to_end();
  EXPECT_EQ(events_after.messages().size(), events_before.messages().size())
      << "late results caused events";
  expect_exactly_once(ids);
  expect_matches_reference();
}

}  // namespace
}  // namespace enroll::test
