// One self-service registration from registration.start to registration.issued through the
// real stack: Apache Kafka, Redis, enrollmentd and the connector simulators; the test plays
// the citizen (with the citizen simulator's logic) and checks every topic and the final
// state in Redis.
#include <algorithm>
#include <thread>

#include "adapters/redis/keyspace.hpp"
#include "sim/citizen_driver.hpp"
#include "tests/integration/orchestrator_fixture.hpp"
#include "workflows/crypto/canonical_json.hpp"
#include "workflows/crypto/hashing.hpp"
#include "workflows/state.hpp"

namespace enroll::test {
using namespace std::chrono_literals;
namespace {

bool has_type(const std::vector<nlohmann::json>& events, const std::string& type) {
  return std::any_of(events.begin(), events.end(),
                     [&](const auto& e) { return e.value("type", "") == type; });
}

class SelfServiceTest : public OrchestratorTest {};

TEST_F(SelfServiceTest, OneRegistrationGoesFromStartToIssued) {
  const std::string id = unique_name("reg");
  sim::CitizenDriver citizen(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
  const std::uint64_t n = 4242;
  const auto start = citizen.start(id, n);
  send(start.key, start.value);

  TopicReader events(services_.brokers(), topics_.events());
  std::size_t fed = 0;
  const bool issued = events.poll_until(
      [&](const std::vector<KafkaMessage>& all) {
        for (; fed < all.size(); ++fed) {
          const auto ev = nlohmann::json::parse(all[fed].value);
          for (const auto& cmd : citizen.on_event(ev)) send(cmd.key, cmd.value);
          if (ev.value("subject", "") == id && ev.value("type", "") != "registration.awaiting" &&
              ev.value("type", "").rfind("registration.", 0) == 0 &&
              ev.value("type", "") != "registration.started") {
            return true;  // a final outcome
          }
        }
        return false;
      },
      std::chrono::seconds(90));
  ASSERT_TRUE(issued) << "no final outcome; events so far: " << events.messages().size();

  // enroll.events: the whole journey, in order, with increasing state versions.
  const auto mine = of(events.messages(), id);
  ASSERT_FALSE(mine.empty());
  EXPECT_EQ(mine.front().at("type"), "registration.started");
  EXPECT_EQ(mine.back().at("type"), "registration.issued");
  EXPECT_FALSE(has_type(mine, "command.rejected"));
  std::vector<std::string> asked;
  std::int64_t last_version = 0;
  for (const auto& e : mine) {
    EXPECT_EQ(e.at("specversion"), "1.0");
    EXPECT_EQ(e.at("subject"), id);
    EXPECT_EQ(e.at("source"), "/enrollmentd");
    EXPECT_EQ(e.at("id").get<std::string>().rfind(id + "/", 0), 0u) << e.dump();
    const auto v = e.at("data").at("state_version").get<std::int64_t>();
    EXPECT_GE(v, last_version) << e.dump();
    last_version = v;
    if (e.at("type") == "registration.awaiting") {
      asked.push_back(e.at("data").at("step").get<std::string>());
    }
  }
  EXPECT_EQ(asked, (std::vector<std::string>{"accept-terms", "card-front", "card-back",
                                             "confirm-card-data", "selfie", "set-passcode",
                                             "confirm-consent"}));
  const auto person = sim::citizen(n);
  EXPECT_EQ(mine.back().at("data").at("digital_id"), "DID-000000004242");

  // enroll.requests.*: the connector tasks, with the inputs the contract names.
  TopicReader capture(services_.brokers(), topics_.requests("capture"));
  TopicReader registry(services_.brokers(), topics_.requests("registry"));
  capture.poll_until([&](const auto& all) { return of(all, id).size() >= 3; }, 10s);
  registry.poll_until([&](const auto& all) { return of(all, id).size() >= 3; }, 10s);
  std::vector<std::string> capture_tasks, registry_tasks;
  for (const auto& r : of(capture.messages(), id)) {
    EXPECT_EQ(r.at("type"), "task.request");
    capture_tasks.push_back(r.at("data").at("task"));
  }
  nlohmann::json verify_inputs;
  for (const auto& r : of(registry.messages(), id)) {
    registry_tasks.push_back(r.at("data").at("task"));
    if (r.at("data").at("task") == "card.verify") verify_inputs = r.at("data").at("inputs");
    EXPECT_EQ(r.at("data").at("attempt"), 1);
    EXPECT_TRUE(r.at("data").contains("deadline"));
  }
  EXPECT_EQ(capture_tasks,
            (std::vector<std::string>{"card.front.ocr", "card.back.ocr", "face.liveness"}));
  EXPECT_EQ(registry_tasks,
            (std::vector<std::string>{"card.verify", "face.match", "identity.issue"}));
  EXPECT_EQ(verify_inputs.at("citizen_id"), person.citizen_id);
  EXPECT_EQ(verify_inputs.at("laser_code"), person.laser_code);
  // Buddhist era: Gregorian year + 543.
  EXPECT_EQ(verify_inputs.at("date_of_birth").get<std::string>().substr(0, 4),
            std::to_string(std::stoi(person.date_of_birth.substr(0, 4)) + 543));

  // Redis: the final state, with only a verifier of the passcode and a consent record.
  const auto state = stored_state(id);
  ASSERT_TRUE(state.has_value());
  EXPECT_EQ(state->at("machine"), "issued");
  EXPECT_EQ(state->at("phase"), "issued");
  EXPECT_EQ(state->at("captured").at("identity").at("digital_id"), "DID-000000004242");
  EXPECT_EQ(state->at("citizen_id"), person.citizen_id);
  EXPECT_EQ(state->at("state_version"), last_version);
  // Issue 15: the verifier is keyed by the key folder's pepper, which it names.
  EXPECT_EQ(state->at("captured")
                .at("passcode")
                .at("verifier")
                .get<std::string>()
                .rfind("pepper:passcode_pepper-1:$argon2id$", 0),
            0u);
  // Issue 15: the stored bytes hold the citizen's data only sealed with the field key.
  const std::string raw = stored_record(id).value();
  for (const std::string& plain : {person.citizen_id, person.first_name, person.last_name_en,
                                   person.date_of_birth, person.laser_code}) {
    EXPECT_EQ(raw.find(plain), std::string::npos) << plain << " in " << raw;
  }
  EXPECT_EQ(state_record_sealing_key(raw), "field-1");
  EXPECT_EQ(state->at("captured").at("terms").at("terms_version"), "2024-06");
  EXPECT_FALSE(
      state->at("captured").at("confirmation").at("confirmed_by").get<std::string>().empty());
  const std::string passcode = sim::passcode_for(n);
  for (const auto& v : all_redis_values()) {
    EXPECT_EQ(v.find(passcode), std::string::npos) << "plaintext passcode in Redis";
  }

  // enroll.audit: one hash chain, every link recomputable.
  TopicReader audit(services_.brokers(), topics_.audit());
  audit.poll_until(
      [&](const auto& all) {
        const auto recs = of(all, id);
        return !recs.empty() && recs.back().at("data").at("outcome") == "issued";
      },
      10s);
  std::string prev;
  std::int64_t seq = 0;
  for (const auto& r : of(audit.messages(), id)) {
    auto data = r.at("data");
    EXPECT_EQ(data.at("seq"), ++seq);
    EXPECT_EQ(data.at("prev_hash"), prev);
    const std::string hash = data.at("hash");
    data.erase("hash");
    // Format 2 (README, audit trail): SHA-256 of the record's RFC 8785 bytes without "hash".
    EXPECT_EQ(data.at("v"), 2);
    EXPECT_EQ(data.at("input_sha256").get<std::string>().size(), 64U);
    EXPECT_EQ(crypto::sha256_hex(crypto::canonical_json(data)), hash)
        << "broken link at seq " << seq;
    prev = hash;
  }
  EXPECT_EQ(state->at("audit_head"), prev);
  EXPECT_EQ(state->at("audit_seq"), seq);

  // The consumer group holds the inbox positions too (for lag tools), committed once a
  // second rather than per step (issue 16): within a few seconds they equal Redis's.
  std::vector<std::int64_t> in_redis, in_group;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  do {
    in_redis.clear();
    for (int p = 0; p < partitions(); ++p) {
      const auto v = redis_->command({redis::keys::partition_key(ns_, p, "offset")},
                                     {"GET", redis::keys::partition_key(ns_, p, "offset")});
      in_redis.push_back(v->type == REDIS_REPLY_STRING ? std::stoll(std::string(v->str, v->len))
                                                       : -1);
    }
    in_group =
        group_committed(services_.brokers(), ns_ + "-orchestrator", topics_.inbox(), partitions());
    if (in_group == in_redis) break;
    std::this_thread::sleep_for(200ms);
  } while (std::chrono::steady_clock::now() < deadline);
  EXPECT_EQ(in_group, in_redis);
  EXPECT_TRUE(std::any_of(in_group.begin(), in_group.end(), [](auto o) { return o > 0; }));
}

}  // namespace
}  // namespace enroll::test
