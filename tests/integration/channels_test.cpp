// Every channel's happy path end to end through the real stack (Apache Kafka, Redis,
// enrollmentd, the connector simulators), the test playing the citizen (and the officer's
// scanner) with the citizen simulator's logic.
#include "tests/integration/orchestrator_fixture.hpp"

namespace enroll::test {
namespace {
using namespace std::chrono_literals;

class ChannelsTest : public OrchestratorTest {
 protected:
  // Runs one registration through `channel`; returns its events.
  std::vector<nlohmann::json> run(const std::string& channel, std::uint64_t n) {
    const std::string id = unique_name(channel);
    sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen", channel);
    const auto start = driver.start(id, n, channel, sim::Persona::none);
    send(start.key, start.value);
    const auto all = drive(driver, {id}, 90s);
    EXPECT_EQ(driver.outcome_of(id), sim::Outcome::issued) << channel;
    last_id_ = id;
    return of(all, id);
  }
  static std::vector<std::string> asked_steps(const std::vector<nlohmann::json>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) {
      if (e.at("type") == "registration.awaiting") out.push_back(e.at("data").at("step"));
    }
    return out;
  }
  std::vector<std::string> tasks_on(const std::string& connector, const std::string& id) {
    TopicReader r(services_.brokers(), topics_.requests(connector));
    r.read_to_end();
    std::vector<std::string> out;
    for (const auto& m : of(r.messages(), id)) out.push_back(m.at("data").at("task"));
    return out;
  }
  // The device identity.issue was asked for.
  std::string issued_to(const std::string& id) {
    TopicReader r(services_.brokers(), topics_.requests("registry"));
    r.read_to_end();
    for (const auto& m : of(r.messages(), id)) {
      if (m.at("data").at("task") == "identity.issue") {
        return m.at("data").at("inputs").at("device").at("id");
      }
    }
    return "";
  }
  std::string last_id_;
};

TEST_F(ChannelsTest, SelfService) {
  const auto events = run("self-service", 101);
  EXPECT_EQ(asked_steps(events), (std::vector<std::string>{
                                     "accept-terms", "card-front", "card-back", "confirm-card-data",
                                     "selfie", "set-passcode", "confirm-consent"}));
  EXPECT_EQ(stored_state(last_id_)->at("machine"), "issued");
}

TEST_F(ChannelsTest, OfficerAssisted) {
  const auto events = run("officer-assisted", 102);
  EXPECT_EQ(
      asked_steps(events),
      (std::vector<std::string>{"grant-permissions", "accept-terms", "enter-citizen-id",
                                "fingerprint", "counter-qr", "set-passcode", "confirm-consent"}));
  // The counter reads the card and the registry checks it before anything else (v2).
  EXPECT_EQ(tasks_on("officer", last_id_),
            (std::vector<std::string>{"card.counter.read", "review.request", "qr.display"}));
  EXPECT_EQ(tasks_on("registry", last_id_),
            (std::vector<std::string>{"card.verify", "fingerprint.match", "identity.issue"}));
  const auto state = stored_state(last_id_);
  EXPECT_EQ(state->at("machine"), "issued");
  EXPECT_EQ(state->at("definition_version"), 2);
  EXPECT_EQ(state->at("used_qr_tokens").size(), 1u);
  EXPECT_EQ(state->at("officer").at("counter").get<std::string>().empty(), false);
  // Issued to the phone that scanned the counter's code, not to the console that started it.
  EXPECT_EQ(state->at("device").at("id"), "device-102");
  EXPECT_EQ(issued_to(last_id_), "device-102");
}

TEST_F(ChannelsTest, PasscodeReset) {
  const auto events = run("passcode-reset", 103);
  EXPECT_EQ(asked_steps(events),
            (std::vector<std::string>{"selfie", "set-passcode", "confirm-consent"}));
  EXPECT_EQ(tasks_on("registry", last_id_),
            (std::vector<std::string>{"identity.status", "face.match", "identity.reactivate"}));
  EXPECT_EQ(stored_state(last_id_)->at("machine"), "issued");
}

TEST_F(ChannelsTest, Kiosk) {
  const auto events = run("kiosk", 104);
  EXPECT_EQ(asked_steps(events),
            (std::vector<std::string>{"accept-terms", "confirm-card-data", "selfie", "pair-phone",
                                      "set-passcode", "confirm-consent"}));
  EXPECT_EQ(tasks_on("capture", last_id_),
            (std::vector<std::string>{"card.chip.read", "face.liveness", "pairing.display"}));
  EXPECT_EQ(stored_state(last_id_)->at("machine"), "issued");
  // Paired: the identity is issued to the citizen's phone, not to the kiosk.
  EXPECT_EQ(issued_to(last_id_), "device-104");
}

}  // namespace
}  // namespace enroll::test
