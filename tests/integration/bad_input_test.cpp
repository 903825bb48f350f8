// Bad input per the contract: malformed messages go to the dead-letter topic with their
// reason and nothing else changes; a command out of order is rejected with the state
// unchanged; a duplicate is ignored.
#include "adapters/codec/envelope.hpp"
#include "adapters/trust/provisioning.hpp"
#include "sim/citizen_driver.hpp"
#include "tests/integration/orchestrator_fixture.hpp"
#include "workflows/crypto/base64.hpp"
#include "workflows/crypto/canonical_json.hpp"

namespace enroll::test {
using namespace std::chrono_literals;
namespace {

class BadInputTest : public OrchestratorTest {
 protected:
  // channel-kiosk's key is revoked from the start (its messages: revoked_key).
  void adjust_trust(trust::TrustFile& trust) override {
    trust::revoke(trust, trust::KeyId("channel-kiosk-1"), trust::system_now());
  }
  // Signed by the app's back-end.
  std::string event(const std::string& id, const std::string& subject, const std::string& type,
                    nlohmann::json data) const {
    return codec::inbox_envelope({id, "/test", type, subject}, std::move(data),
                                 signers().for_channel("self-service"))
        .dump();
  }
  // The dead-letter codes, in order, once there are `count`.
  std::vector<std::string> dead_letter_codes(std::size_t count) {
    TopicReader dlq(services_.brokers(), topics_.dlq());
    EXPECT_TRUE(dlq.poll_until([&](const auto& all) { return all.size() >= count; }, 60s))
        << "dead letters: " << dlq.messages().size();
    std::vector<std::string> codes;
    for (const auto& m : dlq.messages()) {
      codes.push_back(nlohmann::json::parse(m.value).at("data").at("error").at("code"));
    }
    return codes;
  }
};

TEST_F(BadInputTest, MalformedMessagesAreDeadLetteredAndTheServiceGoesOn) {
  const std::string id = unique_name("bad");
  send(id, "this is not json");
  send(id, R"({"hello":"world"})");
  send(id, event("e1", id, "registration.teleport", nlohmann::json::object()));
  send(id, event("e2", id, "terms.accept", {{"terms_version", 7}}));
  send(id, event("e3", unique_name("other"), "terms.accept", {{"terms_version", "v"}}));

  TopicReader dlq(services_.brokers(), topics_.dlq());
  ASSERT_TRUE(dlq.poll_until([](const auto& all) { return all.size() >= 5; }, 60s))
      << "dead letters: " << dlq.messages().size();
  std::vector<std::string> codes;
  for (const auto& m : dlq.messages()) {
    const auto j = nlohmann::json::parse(m.value);
    EXPECT_EQ(j.at("type"), "inbox.rejected");
    EXPECT_EQ(m.key, id);  // the original key
    EXPECT_EQ(j.at("data").at("topic"), topics_.inbox());
    EXPECT_FALSE(j.at("data").at("error").at("message").get<std::string>().empty());
    codes.push_back(j.at("data").at("error").at("code"));
  }
  EXPECT_EQ(codes, (std::vector<std::string>{"not_json", "not_cloudevent", "unknown_type",
                                             "invalid_data", "key_mismatch"}));
  EXPECT_EQ(nlohmann::json::parse(dlq.messages()[0].value).at("data").at("payload"),
            "this is not json");
  EXPECT_FALSE(stored_state(id).has_value()) << "bad input must not create state";

  // The service is still serving: a good registration starts after the bad ones.
  sim::CitizenDriver citizen(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
  const auto start = citizen.start(id, 7);
  send(start.key, start.value);
  TopicReader events(services_.brokers(), topics_.events());
  EXPECT_TRUE(events.poll_until([&](const auto& all) { return !of(all, id).empty(); }, 30s));
}

TEST_F(BadInputTest, OutOfOrderCommandIsRejectedAndDuplicateIgnored) {
  const std::string id = unique_name("order");
  sim::CitizenDriver citizen(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
  const auto start = citizen.start(id, 9);
  send(start.key, start.value);
  send(start.key, start.value);  // the same id again: a duplicate
  // A selfie while the registration awaits the terms: out of order.
  send(id, event("selfie-early", id, "selfie.capture", {{"image_ref", "sim://selfie/x/1"}}));

  TopicReader events(services_.brokers(), topics_.events());
  ASSERT_TRUE(events.poll_until(
      [&](const auto& all) {
        for (const auto& e : of(all, id)) {
          if (e.at("type") == "command.rejected") return true;
        }
        return false;
      },
      60s));
  // Whatever the duplicate caused was emitted before the rejection that followed it (one
  // registration: one partition of the inbox and of enroll.events, in order), so it is here.
  events.read_to_end();
  const auto mine = of(events.messages(), id);
  std::size_t started = 0, awaiting = 0;
  for (const auto& e : mine) {
    if (e.at("type") == "registration.started") ++started;
    if (e.at("type") == "registration.awaiting") ++awaiting;
  }
  EXPECT_EQ(started, 1u) << "the duplicate start caused a second transition";
  EXPECT_EQ(awaiting, 1u);
  const auto& rejected = mine.back();
  EXPECT_EQ(rejected.at("type"), "command.rejected");
  EXPECT_EQ(rejected.at("data").at("reason").at("code"), "unexpected_command");
  EXPECT_NE(rejected.at("data").at("reason").at("detail").get<std::string>().find("selfie.capture"),
            std::string::npos);

  const auto state = stored_state(id);
  ASSERT_TRUE(state.has_value());
  EXPECT_EQ(state->at("step"), "accept-terms");
  EXPECT_EQ(state->at("stage"), "awaiting_input");
  EXPECT_EQ(state->at("state_version"), rejected.at("data").at("state_version"));
}

// Issue 13: a message whose sender is not proven never reaches the engine; each is a dead
// letter with its code, and no state is made.
TEST_F(BadInputTest, UnprovenSendersAreDeadLetteredWithTheirCode) {
  const std::string id = unique_name("who");
  const nlohmann::json terms{{"terms_version", "2024-06"}};
  const auto now = trust::system_now();
  // unsigned
  send(id, codec::envelope({"u1", "/test", "terms.accept", id, now}, terms).dump());
  // unknown_key
  auto stranger = nlohmann::json::parse(event("u2", id, "terms.accept", terms));
  stranger["keyid"] = "nobody-1";
  send(id, stranger.dump());
  // revoked_key: signed with channel-kiosk's revoked key itself (no Signer uses it)
  const trust::TrustFile trust = trust::load_trust_file(work_ / "keys");
  const trust::SigningKey kiosk =
      trust::SigningKey::load(work_ / "keys", *trust.key(trust::KeyId("channel-kiosk-1")));
  auto revoked = codec::envelope({"u3", "/test", "terms.accept", id, now}, terms);
  revoked["keyid"] = "channel-kiosk-1";
  const std::string mac = kiosk.sign(crypto::canonical_json(revoked));
  revoked["signature"] = crypto::to_base64url(
      std::span(reinterpret_cast<const unsigned char*>(mac.data()), mac.size()));
  send(id, revoked.dump());
  // bad_signature: the data changed after signing
  auto forged = nlohmann::json::parse(event("u4", id, "terms.accept", terms));
  forged["data"]["terms_version"] = "2099-01";
  send(id, forged.dump());
  // stale_message: signed ten minutes before the broker appends it
  send(id, codec::inbox_envelope({"u5", "/test", "terms.accept", id, now - 10min}, terms,
                                 signers().for_channel("self-service"))
               .dump());
  EXPECT_EQ(dead_letter_codes(5),
            (std::vector<std::string>{"unsigned", "unknown_key", "revoked_key", "bad_signature",
                                      "stale_message"}));
  EXPECT_FALSE(stored_state(id).has_value()) << "an unproven sender must not create state";
}

}  // namespace
}  // namespace enroll::test
