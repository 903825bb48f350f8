// Quarantine end to end: a registration whose stored state stops decoding (a downgrade, a
// hand edit) is moved aside when its next message arrives; that message is dead-lettered
// (registration_quarantined), enrollmentd keeps serving everyone else, the API answers
// registration_quarantined, and enrollctl lists it. Before issue 10 the load threw and
// enrollmentd exited, on every restart again.
#include "adapters/codec/envelope.hpp"
#include "adapters/kafka/partition/partitioner.hpp"
#include "sim/citizen_driver.hpp"
#include "tests/integration/orchestrator_fixture.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/metrics_text.hpp"

namespace enroll::test {
using namespace std::chrono_literals;
namespace {

class QuarantineTest : public OrchestratorTest {
 protected:
  // Starts a self-service registration and waits until it awaits the terms (committed).
  void start(sim::CitizenDriver& citizen, const std::string& id, std::uint64_t number,
             TopicReader& events) {
    const auto start = citizen.start(id, number);
    send(start.key, start.value);
    ASSERT_TRUE(events.poll_until(
        [&](const auto& all) {
          for (const auto& e : of(all, id)) {
            if (e.at("type") == "registration.awaiting") return true;
          }
          return false;
        },
        60s))
        << id;
  }
  std::string state_key(const std::string& id) {
    return ns_ + ":{p" + std::to_string(kafka::partition_for(id, partitions())) + "}:reg:" + id;
  }
};

std::string terms_accept(const trust::Signers& signers, const std::string& event_id,
                         const std::string& id) {
  return codec::inbox_envelope({event_id, "/test", "terms.accept", id},
                               {{"terms_version", "2024-01"}}, signers.for_channel("self-service"))
      .dump();
}

TEST_F(QuarantineTest, AStateThatNoLongerDecodesIsSetAsideAndTheServiceGoesOn) {
  sim::CitizenDriver citizen(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
  TopicReader events(services_.brokers(), topics_.events());
  const std::string id = unique_name("quar");
  start(citizen, id, 11, events);
  wait_until_caught_up();

  // A downgrade, or a hand edit: the stored phase is a name this code does not know.
  auto state = stored_state(id);
  ASSERT_TRUE(state.has_value());
  (*state)["phase"] = "teleported";
  const std::string key = state_key(id);
  redis_->command({key}, {"SET", key, state->dump()});

  // The next command for it is dead-lettered with its reason.
  send(id, terms_accept(signers(), "quar-terms-1", id));
  TopicReader dlq(services_.brokers(), topics_.dlq());
  ASSERT_TRUE(dlq.poll_until([](const auto& all) { return !all.empty(); }, 60s));
  const auto letter = nlohmann::json::parse(dlq.messages().at(0).value);
  EXPECT_EQ(dlq.messages().at(0).key, id);
  EXPECT_EQ(letter.at("data").at("error").at("code"), "registration_quarantined");

  // enrollmentd is still running and answers another registration.
  const std::string other = unique_name("after");
  start(citizen, other, 12, events);
  ASSERT_TRUE(daemon_->running());

  // The raw record is kept aside, the state key is gone, and a new start cannot begin over
  // it: it is dead-lettered too.
  EXPECT_FALSE(stored_state(id).has_value());
  const auto quarantined = redis_keys(ns_ + ":{p*}:quar:" + id);
  ASSERT_EQ(quarantined.size(), 1u);
  const auto raw = redis_->command({quarantined[0]}, {"HGET", quarantined[0], "record"});
  ASSERT_EQ(raw->type, REDIS_REPLY_STRING);
  EXPECT_EQ(std::string(raw->str, raw->len), state->dump());
  const auto restart = citizen.start(id, 11);
  send(restart.key, restart.value);
  ASSERT_TRUE(dlq.poll_until([](const auto& all) { return all.size() >= 2; }, 60s));
  EXPECT_EQ(nlohmann::json::parse(dlq.messages().at(1).value).at("data").at("error").at("code"),
            "registration_quarantined");
  EXPECT_FALSE(stored_state(id).has_value());

  // The API answers 409 registration_quarantined for it and its history; the listing and
  // enrollctl show it; /metrics counts it.
  const auto port = http_port();
  auto r = http_get(port, "/v1/registrations/" + id, reader_token_);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.error_code(), "registration_quarantined") << r.body;
  EXPECT_NE(r.body.find("unknown name 'teleported'"), std::string::npos) << r.body;
  r = http_get(port, "/v1/registrations/" + id + "/history", reader_token_);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.error_code(), "registration_quarantined");
  r = http_get(port, "/v1/registrations?status=quarantined", reader_token_);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json().at("items").size(), 1u) << r.body;
  EXPECT_EQ(r.json().at("items").at(0).at("id"), id);
  EXPECT_EQ(r.json().at("items").at(0).at("status"), "quarantined");
  EXPECT_EQ(r.json().at("items").at(0).at("channel"), "self-service");
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  std::string out;
  EXPECT_EQ(enrollctl({"--url", url, "list", "--status", "quarantined"}, out), 0) << out;
  EXPECT_NE(out.find(id), std::string::npos) << out;
  EXPECT_EQ(out.find(other), std::string::npos) << out;
  EXPECT_EQ(enrollctl({"--url", url, "status", id}, out), 1) << out;
  EXPECT_NE(out.find("registration_quarantined"), std::string::npos) << out;
  EXPECT_EQ(enrollctl({"--url", url, "audit", "verify"}, out), 1) << out;
  EXPECT_NE(out.find("broken: " + id + " at seq 1: quarantined"), std::string::npos) << out;
  const auto metrics = parse_metrics(http_get(port, "/metrics").body);
  EXPECT_EQ(metrics.at("enroll_registrations_quarantined"), 1);

  // A restart does not loop: the quarantine was done once, and the next registration is
  // answered.
  restart_daemon(SIGTERM);
  const std::string later = unique_name("later");
  start(citizen, later, 13, events);
  ASSERT_TRUE(daemon_->running());
}

}  // namespace
}  // namespace enroll::test
