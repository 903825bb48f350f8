// Poison messages against the real stack (Apache Kafka + Redis + enrollmentd): whatever one
// message holds, it is dead-lettered with its reason and bounded, enrollmentd never exits,
// the good registrations around it go through exactly once, and a restart does not loop.
#include <csignal>
#include <map>
#include <thread>

#include "sim/citizen_driver.hpp"
#include "tests/integration/orchestrator_fixture.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/metrics_text.hpp"
#include "tests/unit/test_trust.hpp"
#include "workflows/crypto/sealed_box.hpp"

namespace enroll::test {
using namespace std::chrono_literals;
namespace {

// Signed by the app's back-end now (the test's key folder), the bytes otherwise as written.
std::string event(const trust::Signers& signers, const std::string& id, const std::string& subject,
                  const std::string& type, const std::string& data_json) {
  return testing::signed_text(R"({"specversion":"1.0","id":")" + id +
                                  R"(","source":"/test","type":")" + type + R"(","subject":")" +
                                  subject + R"(","time":")" + to_rfc3339(trust::system_now()) +
                                  R"(","data":)" + data_json + "}",
                              signers.for_channel("self-service"));
}

// The reason code of each kind of bad input (the README's table of dead-letter codes).
struct Poison {
  std::string code;
  std::string value;
};

// A bad message keyed by `key` (its subject where it has one).
std::vector<Poison> small_poisons(const trust::Signers& signers, const std::string& key,
                                  const std::string& n) {
  const std::string nested = std::string(2'000, '[') + std::string(2'000, ']');
  return {
      {"not_json", "this is not json " + n},
      {"not_cloudevent", R"({"hello":"world"})"},
      {"unknown_type", event(signers, "u" + n, key, "registration.teleport", "{}")},
      {"invalid_data", event(signers, "i" + n, key, "terms.accept", R"({"terms_version":7})")},
      {"not_json", event(signers, "c" + n, key, "registration.start",
                         "{\"channel\":\"self-\xff\xfe\",\"device\":{\"id\":\"d\",\"platform\":"
                         "\"ios\"}}")},
      {"too_deep",
       event(signers, "d" + n, key, "task.result",
             R"({"request_id":"r","task":"card.front.ocr","status":"ok","outputs":{"x":)" + nested +
                 "}}")},
      {"invalid_data", event(signers, "h" + n, key, "card.data.confirm", R"({"confirmed":1e300})")},
  };
}

class PoisonTest : public OrchestratorTest {
 protected:
  // enrollmentd's pid: the same at the end means it never restarted.
  pid_t daemon_pid() { return daemon_->pid(); }
  std::map<std::string, std::size_t> dlq_codes(TopicReader& dlq) {
    std::map<std::string, std::size_t> codes;
    for (const auto& m : dlq.messages()) {
      const auto j = nlohmann::json::parse(m.value);
      EXPECT_EQ(j.at("type"), "inbox.rejected");
      EXPECT_LT(m.value.size(), 16'384u) << "a dead letter must stay small";
      ++codes[j.at("data").at("error").at("code").get<std::string>()];
    }
    return codes;
  }
};

TEST_F(PoisonTest, EachKindIsDeadLetteredWithItsReasonAndTheServiceGoesOn) {
  const pid_t pid = daemon_pid();
  std::map<std::string, std::string> expected;  // DLQ key (the original key) -> code
  int n = 0;
  const std::size_t kinds = small_poisons(signers(), "x", "0").size();
  for (std::size_t i = 0; i < kinds; ++i) {
    // Each under its own key (and subject: signed as it is), so its dead letter is found by key.
    const std::string key = unique_name("poison");
    const Poison p = small_poisons(signers(), key, "0").at(i);
    send(key, p.value);
    expected[key] = p.code;
    ++n;
  }
  // Large ones need a producer that lets them through (the broker takes them up to its
  // max.message.bytes, 1 MiB by default: the largest here stays under it).
  TestProducer big(services_.brokers(), {{"message.max.bytes", "10000000"}});
  const std::map<std::string, std::string> large{
      {std::string(300'000, '['), "too_large"},
      {std::string(200'000, '\x01'), "too_large"},
      {std::string(60'000, '[') + std::string(60, ']'), "too_deep"},
      {std::string(1'000'000, 'x'), "too_large"}};
  for (const auto& [value, code] : large) {
    const std::string key = unique_name("big");
    big.send(topics_.inbox(), key, value);
    expected[key] = code;
  }
  big.flush(30s);
  // No key at all.
  const std::string keyless = unique_name("keyless");
  send("", event(signers(), "k1", keyless, "terms.accept", R"({"terms_version":"v1"})"));
  expected[""] = "missing_key";

  // A good registration after them all, driven to its end.
  sim::CitizenDriver citizen(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
  const auto ids = start_self_service(citizen, 3, 500, "good");
  drive(citizen, ids, 180s);
  EXPECT_EQ(issued(citizen, ids), ids.size());

  TopicReader dlq(services_.brokers(), topics_.dlq());
  ASSERT_TRUE(dlq.poll_until([&](const auto& all) { return all.size() >= expected.size(); }, 60s))
      << dlq.messages().size() << " dead letters of " << expected.size();
  for (const auto& m : dlq.messages()) {
    const auto j = nlohmann::json::parse(m.value);
    const auto& data = j.at("data");
    ASSERT_TRUE(expected.count(m.key)) << "unexpected dead letter keyed " << m.key;
    EXPECT_EQ(data.at("error").at("code"), expected.at(m.key)) << "key " << m.key;
    EXPECT_EQ(data.at("topic"), topics_.inbox());
    EXPECT_EQ(data.at("payload_sha256").get<std::string>().size(), 64u);
    EXPECT_LT(m.value.size(), 16'384u);
  }
  EXPECT_EQ(dlq.messages().size(), expected.size());
  EXPECT_TRUE(daemon_->running());
  EXPECT_EQ(daemon_pid(), pid) << "enrollmentd restarted";

  // A crash and a restart: the bad messages are behind the committed offset; nothing loops.
  restart_daemon(SIGKILL);
  wait_until_caught_up();
  const auto more = start_self_service(citizen, 1, 600, "after");
  drive(citizen, more, 120s);
  EXPECT_EQ(issued(citizen, more), 1u);
  EXPECT_TRUE(daemon_->running());
  dlq.read_to_end();
  EXPECT_EQ(dlq.messages().size(), expected.size()) << "dead-lettered again after the restart";
  expect_exactly_once(ids);
}

TEST_F(PoisonTest, TenThousandMalformedAmongTwoHundredGoodRegistrations) {
  const pid_t pid = daemon_pid();
  sim::CitizenDriver citizen(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
  const auto ids = start_self_service(citizen, 200, 1000, "burst");
  // 10,000 bad messages, keyed by the good registrations (the same partitions, in between
  // their commands), sent a few at a time while the registrations are driven.
  std::map<std::string, std::size_t> sent;
  std::size_t i = 0;
  const std::size_t total = 10'000;
  DriveOptions options;
  options.on_tick = [&](std::chrono::steady_clock::duration) {
    for (int k = 0; k < 100 && i < total; ++k, ++i) {
      const auto& key = ids[i % ids.size()];
      const auto poisons = small_poisons(signers(), key, std::to_string(i));
      const auto& p = poisons[i % poisons.size()];
      send(key, p.value);
      ++sent[p.code];
    }
  };
  drive(citizen, ids, 900s, options);
  while (i < total) options.on_tick({});  // if the journeys ended first
  EXPECT_EQ(issued(citizen, ids), ids.size());

  TopicReader dlq(services_.brokers(), topics_.dlq());
  ASSERT_TRUE(dlq.poll_until([&](const auto& all) { return all.size() >= total; }, 180s))
      << dlq.messages().size() << " dead letters of " << total;
  dlq.read_to_end();
  EXPECT_EQ(dlq_codes(dlq), sent);
  EXPECT_TRUE(daemon_->running());
  EXPECT_EQ(daemon_pid(), pid) << "enrollmentd restarted";
  expect_exactly_once(ids);

  // A restart afterwards reads on from where it was; it does not loop or dead-letter again.
  restart_daemon(SIGTERM);
  wait_until_caught_up();
  std::this_thread::sleep_for(2s);
  EXPECT_TRUE(daemon_->running());
  dlq.read_to_end();
  EXPECT_EQ(dlq.messages().size(), total);
}

// What one sender can make enrollmentd do is bounded: commands for registrations that do not
// exist cost no Argon2id; a flood of refused commands does not grow a registration's history
// in Redis past its cap (the whole trail stays on enroll.audit).
TEST_F(PoisonTest, WorkPerRegistrationAndSenderIsBounded) {
  const std::uint16_t port = http_port();
  for (int k = 0; k < 300; ++k) {
    const std::string id = unique_name("ghost");
    const std::string sealed =
        crypto::seal_passcode(id, "set-passcode", "135790", keys_.seal_public_key());
    send(id, event(signers(), "p" + std::to_string(k), id, "passcode.set",
                   nlohmann::json{{"sealed", sealed}, {"sealed_repeat", sealed}}.dump()));
  }
  // One registration, started, then flooded with commands it does not await.
  sim::CitizenDriver citizen(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
  const auto ids = start_self_service(citizen, 1, 700, "flooded");
  const std::string& id = ids[0];
  const std::size_t flood = 1'100;
  for (std::size_t k = 0; k < flood; ++k) {
    send(id, event(signers(), "s" + std::to_string(k), id, "selfie.capture",
                   R"({"image_ref":"sim://selfie/x/1"})"));
  }
  TopicReader inbox(services_.brokers(), topics_.inbox());
  const auto metrics = metrics_when_quiet(
      port, inbox, [&](Metrics m) { return m["enroll_events_rejected_total"] >= 300 + flood; });
  EXPECT_EQ(metrics.at("enroll_events_rejected_total"), 300 + flood);
  EXPECT_EQ(metrics.at("enroll_passcode_hashed_ahead_total"), 0)
      << "Argon2id was run for passcode commands nobody awaited";

  const auto state = stored_state(id);
  ASSERT_TRUE(state.has_value());
  const auto records = (*state)["audit_seq"].get<std::int64_t>();
  EXPECT_GT(records, static_cast<std::int64_t>(flood));
  const auto hist = redis_keys(ns_ + ":{p*}:hist:" + id);
  ASSERT_EQ(hist.size(), 1u);
  EXPECT_EQ(redis_->command({hist[0]}, {"LLEN", hist[0]})->integer, 1000);
  const auto meta = redis_keys(ns_ + ":{p*}:meta:" + id);
  ASSERT_EQ(meta.size(), 1u);
  const auto dropped = redis_->command({meta[0]}, {"HGET", meta[0], "history_dropped"});
  ASSERT_EQ(dropped->type, REDIS_REPLY_STRING);
  EXPECT_EQ(std::stoll(std::string(dropped->str, dropped->len)), records - 1000);
  // The whole trail on enroll.audit, and enrollctl verifies the prefix kept in Redis.
  TopicReader audit(services_.brokers(), topics_.audit());
  audit.read_to_end();
  EXPECT_EQ(static_cast<std::int64_t>(of(audit.messages(), id).size()), records);
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  std::string out;
  EXPECT_EQ(enrollctl({"--url", url, "audit", "verify", id}, out), 0) << out;
  EXPECT_NE(out.find("capped: " + id), std::string::npos) << out;

  // The registration still goes on to its end.
  drive(citizen, ids, 120s);
  EXPECT_EQ(issued(citizen, ids), 1u);
}

}  // namespace
}  // namespace enroll::test
