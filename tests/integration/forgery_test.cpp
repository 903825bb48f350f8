// The forgeries of issue 13, tried through the real stack (Apache Kafka, Redis, enrollmentd,
// the connector simulators): each forged message is correctly signed by a principal of the
// key folder that may write to enroll.inbox but may not send it. Each is refused (a
// command.rejected `not_authorised` and an audit record naming that principal) or dead-lettered
// before the engine, nothing else in the registration changes, and the genuine senders still
// finish it. (An unsigned, unknown, revoked or stale sender: bad_input_test.)
#include <thread>

#include "adapters/codec/envelope.hpp"
#include "tests/integration/orchestrator_fixture.hpp"
#include "workflows/time.hpp"

namespace enroll::test {
namespace {
using namespace std::chrono_literals;
using nlohmann::json;

constexpr std::uint64_t kCitizen = 7301;

class ForgeryTest : public OrchestratorTest {
 protected:
  // The connector simulators' answers for the registrations a_ and b_ (their ids are known
  // before SetUp writes the scenario).
  virtual json script_a() { return json::object(); }
  virtual json script_b() { return json::object(); }
  json scenario() override { return {{a_, script_a()}, {b_, script_b()}}; }

  // Writes `data`, signed by `principal`, to the inbox as a message of registration `reg`.
  void forge(const std::string& principal, const std::string& type, const std::string& reg,
             json data) {
    const std::string id = "forged/" + std::to_string(++forged_);
    send(reg, codec::inbox_envelope({id, "/anyone", type, reg, trust::system_now()},
                                    std::move(data), signers().get(PrincipalName(principal)))
                  .dump());
  }
  static json result(const std::string& request_id, const std::string& task, json outputs) {
    return {{"request_id", request_id}, {"task", task}, {"status", "ok"}, {"outputs", outputs}};
  }

  // Waits until the stored state of `reg` satisfies `ready` (it is polled); returns it.
  json state_when(const std::string& reg, const std::function<bool(const json&)>& ready,
                  std::chrono::seconds timeout = 60s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto s = stored_state(reg);
      if (s && ready(*s)) return *s;
      if (std::chrono::steady_clock::now() > deadline) {
        throw std::runtime_error("registration " + reg + " did not get there: " +
                                 (s ? s->dump() : std::string("no state")));
      }
      std::this_thread::sleep_for(50ms);
    }
  }
  static std::function<bool(const json&)> awaiting_task(const std::string& step) {
    return [step](const json& s) {
      return s.value("step", "") == step && s.value("stage", "") == "awaiting_connector" &&
             s.value("pending_request", json()).is_string();
    };
  }

  // The audit records of `reg` (their data), in chain order, once `done` holds for them.
  std::vector<json> audit_of(const std::string& reg,
                             const std::function<bool(const std::vector<json>&)>& done,
                             std::chrono::seconds timeout = 60s) {
    std::vector<json> records;
    TopicReader audit(services_.brokers(), topics_.audit());
    audit.poll_until(
        [&](const std::vector<KafkaMessage>& all) {
          std::map<std::int64_t, json> by_seq;  // re-sent records have the same seq
          for (const auto& m : all) {
            const auto e = json::parse(m.value);
            if (e.at("subject") == reg) by_seq[e.at("data").at("seq").get<std::int64_t>()] = e;
          }
          records.clear();
          for (auto& [seq, e] : by_seq) records.push_back(e.at("data"));
          return done(records);
        },
        timeout);
    return records;
  }
  static std::vector<json> refusals(const std::vector<json>& records) {
    std::vector<json> out;
    for (const auto& r : records) {
      if (r.at("outcome").get<std::string>().rfind("not_authorised: ", 0) == 0) out.push_back(r);
    }
    return out;
  }
  std::function<bool(const std::vector<json>&)> refused_at_least(std::size_t n) {
    return [n](const std::vector<json>& records) { return refusals(records).size() >= n; };
  }

  // `after` is `before` but for the audit chain: the refusals changed nothing else.
  // `also`: fields an ignored (not refused) message may touch: it is remembered as applied.
  static void expect_unchanged(json before, json after, std::vector<std::string> also = {}) {
    also.insert(also.end(), {"audit_seq", "audit_head"});
    for (auto* s : {&before, &after}) {
      for (const auto& field : also) s->erase(field);
    }
    EXPECT_EQ(after, before);
  }

  // The command.rejected events of `reg` whose reason is not_authorised.
  std::vector<json> rejections(const std::string& reg) {
    TopicReader events(services_.brokers(), topics_.events());
    events.read_to_end();
    std::vector<json> out;
    for (const auto& e : of(events.messages(), reg)) {
      if (e.at("type") == "command.rejected" &&
          e.at("data").at("reason").at("code") == "not_authorised") {
        out.push_back(e);
      }
    }
    return out;
  }

  // Each refusal is audited at `step`, naming one of `principals` (in order).
  static void expect_refused_by(const std::vector<json>& refused, const std::string& step,
                                const std::vector<std::string>& principals) {
    ASSERT_EQ(refused.size(), principals.size());
    for (std::size_t i = 0; i < refused.size(); ++i) {
      EXPECT_EQ(refused[i].at("actor").at("principal"), principals[i]) << refused[i];
      if (!step.empty()) {
        EXPECT_EQ(refused[i].at("step"), step) << refused[i];
      }
      EXPECT_EQ(refused[i].at("from"), refused[i].at("to")) << refused[i];
    }
  }

  const std::string a_ = unique_name("forged-a");
  const std::string b_ = unique_name("forged-b");
  int forged_ = 0;
};

// The account takeover of the issue: a passcode-reset with the victim's citizen ID, then the
// face match answered by the attacker's channel back-end (with the real request id, which a
// channel never sees, and with the old predictable one), or by a connector that does not hold
// the task (also naming another task, whose output schema it would have chosen).
class FaceMatchWaitsTest : public ForgeryTest {
 protected:
  // The genuine answers wait long enough for the forgeries to be tried first.
  json script_a() override { return {{"face.match", {{{"delay_ms", 12000}}}}}; }
  json script_b() override { return script_a(); }
};
TEST_F(FaceMatchWaitsTest, TheFaceMatchOfAPasscodeResetCannotBeForged) {
  const std::string id = a_;
  sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen", "passcode-reset");
  const auto start = driver.start(id, kCitizen, "passcode-reset", sim::Persona::none);
  send(start.key, start.value);
  bool forged = false;
  DriveOptions options;
  options.on_tick = [&](auto) {
    if (forged) return;
    const auto s = stored_state(id);
    if (!s || !awaiting_task("face-match")(*s)) return;
    forged = true;
    const std::string request = s->at("pending_request");
    forge("channel-app", "task.result", id, result(request, "face.match", {{"score", 0.99}}));
    forge("channel-app", "task.result", id,
          result(id + "/face-match/3.1", "face.match", {{"score", 0.99}}));
    forge("connector-capture", "task.result", id, result(request, "face.match", {{"score", 0.99}}));
    forge("connector-capture", "task.result", id,
          result(request, "face.liveness", {{"liveness", 0.99}}));
    const auto records = audit_of(id, refused_at_least(4));
    expect_refused_by(refusals(records), "face-match",
                      {"channel-app", "channel-app", "connector-capture", "connector-capture"});
    expect_unchanged(*s, *stored_state(id));
  };
  drive(driver, {id}, 120s, options);
  ASSERT_TRUE(forged) << "the registration never awaited the face match";
  EXPECT_EQ(driver.outcome_of(id), sim::Outcome::issued);
  EXPECT_EQ(rejections(id).size(), 4u);
  // The face match was decided by the registry's own answer: the record after the refusals.
  const auto records = audit_of(
      id, [](const auto&) { return false; }, 2s);
  std::size_t last_refusal = 0;
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (records[i].at("outcome").get<std::string>().rfind("not_authorised", 0) == 0) {
      last_refusal = i;
    }
  }
  ASSERT_LT(last_refusal + 1, records.size());
  EXPECT_EQ(records[last_refusal + 1].at("actor").at("principal"), "connector-registry");
  EXPECT_EQ(records[last_refusal + 1].at("from"), "biometrics/face-match");
}

// An officer-assisted registration's review decided by the citizen's app back-end, by a
// connector that does not hold the task, or by the officer console naming another officer than
// the one who opened the registration.
class ReviewWaitsTest : public ForgeryTest {
 protected:
  json script_a() override { return {{"review.request", {{{"delay_ms", 12000}}}}}; }
};
TEST_F(ReviewWaitsTest, TheOfficerReviewCannotBeSelfApproved) {
  const std::string id = a_;
  sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen",
                            "officer-assisted");
  const auto start = driver.start(id, kCitizen, "officer-assisted", sim::Persona::none);
  send(start.key, start.value);
  bool forged = false;
  DriveOptions options;
  options.on_tick = [&](auto) {
    if (forged) return;
    const auto s = stored_state(id);
    if (!s || !awaiting_task("officer-review")(*s)) return;
    forged = true;
    const std::string request = s->at("pending_request");
    const std::string officer = s->at("officer").at("id");
    const json approve{{"decision", "approve"}, {"officer_id", officer}};
    forge("channel-app", "task.result", id, result(request, "review.request", approve));
    forge("connector-registry", "task.result", id, result(request, "review.request", approve));
    forge("officer-console", "task.result", id,
          result(request, "review.request",
                 {{"decision", "approve"}, {"officer_id", officer + "-not"}}));
    const auto records = audit_of(id, refused_at_least(3));
    expect_refused_by(refusals(records), "officer-review",
                      {"channel-app", "connector-registry", "officer-console"});
    expect_unchanged(*s, *stored_state(id));
  };
  drive(driver, {id}, 120s, options);
  ASSERT_TRUE(forged) << "the registration never awaited the officer's review";
  EXPECT_EQ(driver.outcome_of(id), sim::Outcome::issued);
  EXPECT_EQ(rejections(id).size(), 3u);
}

// A lock's cool-down ended early by a forged timer.fire (unlimited liveness tries), or the lock
// lifted or the registration cancelled by a forged operator action (the issue's `nobody`).
class SelfiesFailTest : public ForgeryTest {
 protected:
  json script_a() override {
    const json low{{"outputs", {{"liveness", 0.1}}}};
    return {{"face.liveness", {low, low, low}}};
  }
};
TEST_F(SelfiesFailTest, ALockHoldsAgainstForgedTimersAndOperatorActions) {
  const std::string id = a_;
  sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
  const auto start = driver.start(id, kCitizen, "self-service", sim::Persona::none);
  send(start.key, start.value);
  drive(driver, {id}, 90s, /*locked_is_final=*/true);
  ASSERT_EQ(driver.outcome_of(id), sim::Outcome::locked);
  const auto before = state_when(id, [](const json& s) { return s.at("machine") == "locked"; });
  const json due{{"due", to_rfc3339(trust::system_now())}};
  forge("channel-app", "timer.fire", id, due);
  forge("connector-capture", "timer.fire", id, due);
  const json nobody{{"operator", {{"id", "nobody"}}}, {"reason", "forged"}};
  forge("channel-app", "operator.retry", id, nobody);
  forge("channel-app", "operator.cancel", id, nobody);
  forge("connector-registry", "operator.cancel", id, nobody);
  forge("officer-console", "operator.rewind", id,
        {{"operator", {{"id", "nobody"}}}, {"reason", "forged"}, {"to_step", "selfie"}});
  const auto records = audit_of(id, refused_at_least(6));
  expect_refused_by(refusals(records), "",
                    {"channel-app", "connector-capture", "channel-app", "channel-app",
                     "connector-registry", "officer-console"});
  wait_until_caught_up();
  expect_unchanged(before, *stored_state(id));
  EXPECT_EQ(rejections(id).size(), 6u);
}

// A signed message written again: the same bytes are a duplicate (nothing happens); with its id
// or its registration changed, the signature no longer holds (dead-lettered bad_signature). Once
// its id has left the dedupe window its time is older than the freshness window, which
// bad_input_test shows is dead-lettered stale_message.
TEST_F(ForgeryTest, AReplayedSignedMessageChangesNothing) {
  const std::string id = a_;
  sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
  const auto start = driver.start(id, kCitizen, "self-service", sim::Persona::none);
  send(start.key, start.value);
  drive(driver, {id}, 90s);
  ASSERT_EQ(driver.outcome_of(id), sim::Outcome::issued);
  wait_until_caught_up();
  const auto issued = *stored_state(id);
  TopicReader events(services_.brokers(), topics_.events());
  events.read_to_end();
  const auto events_before = events.messages().size();

  send(start.key, start.value);  // the same message
  const std::string other = unique_name("replay-other");
  auto moved = json::parse(start.value);
  moved["subject"] = other;  // the same signed start, for another registration
  send(other, moved.dump());
  auto renamed = json::parse(start.value);
  renamed["id"] = renamed.at("id").get<std::string>() + "-again";  // a new id, to pass dedupe
  send(start.key, renamed.dump());

  TopicReader dlq(services_.brokers(), topics_.dlq());
  ASSERT_TRUE(dlq.poll_until([](const auto& all) { return all.size() >= 2; }, 60s));
  for (const auto& m : dlq.messages()) {
    EXPECT_EQ(json::parse(m.value).at("data").at("error").at("code"), "bad_signature") << m.value;
  }
  wait_until_caught_up();
  EXPECT_EQ(*stored_state(id), issued);
  EXPECT_FALSE(stored_state(other).has_value());
  events.read_to_end();
  EXPECT_EQ(events.messages().size(), events_before) << "a replay must cause nothing";
}

// Issue 15: a sealed passcode read off the inbox (kept for days) and sent again by a sender that
// may write citizens' commands, into another registration: the box names the registration it
// was sealed for, so the message is dead-lettered before the engine and B's state is unchanged.
TEST_F(ForgeryTest, ASealedPasscodeReplayedIntoAnotherRegistrationIsADeadLetter) {
  sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
  const auto start_a = driver.start(a_, kCitizen, "self-service", sim::Persona::none);
  send(start_a.key, start_a.value);
  drive(driver, {a_}, 90s);
  ASSERT_EQ(driver.outcome_of(a_), sim::Outcome::issued);
  TopicReader inbox(services_.brokers(), topics_.inbox());
  std::string box;
  ASSERT_TRUE(inbox.poll_until(
      [&](const auto& all) {
        for (const auto& m : all) {
          const json e = json::parse(m.value, nullptr, false);
          if (e.is_object() && e.value("subject", "") == a_ &&
              e.value("type", "") == "passcode.set") {
            box = e.at("data").at("sealed").get<std::string>();
          }
        }
        return !box.empty();
      },
      60s));
  const auto start_b = driver.start(b_, kCitizen + 1, "self-service", sim::Persona::none);
  send(start_b.key, start_b.value);
  const auto before = state_when(b_, [](const json& s) { return s.contains("step"); });
  forge("channel-app", "passcode.set", b_, {{"sealed", box}, {"sealed_repeat", box}});
  TopicReader dlq(services_.brokers(), topics_.dlq());
  ASSERT_TRUE(dlq.poll_until([](const auto& all) { return !all.empty(); }, 60s));
  const auto error = json::parse(dlq.messages().front().value).at("data").at("error");
  EXPECT_EQ(error.at("code"), "invalid_data") << error;
  EXPECT_NE(error.at("message").get<std::string>().find("bound to another registration"),
            std::string::npos)
      << error;
  wait_until_caught_up();
  expect_unchanged(before, *stored_state(b_));
}

// A result for another registration's request: from a channel, refused; from the connector that
// holds the task, ignored as a late answer. Neither moves the registration it was sent to, and
// the registration whose request it names still finishes with its own answer.
TEST_F(FaceMatchWaitsTest, AResultForAnotherRegistrationsRequestChangesNothing) {
  const std::string& a = a_;
  const std::string& b = b_;
  sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen", "passcode-reset");
  for (const auto& [id, n] : {std::pair{a, kCitizen}, std::pair{b, kCitizen + 1}}) {
    const auto start = driver.start(id, n, "passcode-reset", sim::Persona::none);
    send(start.key, start.value);
  }
  bool forged = false;
  DriveOptions options;
  options.on_tick = [&](auto) {
    if (forged) return;
    const auto sa = stored_state(a);
    const auto sb = stored_state(b);
    if (!sa || !sb || !awaiting_task("face-match")(*sa) || !awaiting_task("face-match")(*sb)) {
      return;
    }
    forged = true;
    const json theirs = result(sa->at("pending_request"), "face.match", {{"score", 0.99}});
    forge("channel-app", "task.result", b, theirs);
    forge("connector-registry", "task.result", b, theirs);
    const auto records = audit_of(b, [](const std::vector<json>& all) {
      return std::any_of(all.begin(), all.end(), [](const json& r) {
        return r.at("outcome").get<std::string>().rfind("ignored_late_result", 0) == 0;
      });
    });
    expect_refused_by(refusals(records), "face-match", {"channel-app"});
    expect_unchanged(*sb, *stored_state(b), {"applied", "updated_at"});
    EXPECT_EQ(stored_state(a)->at("pending_request"), sa->at("pending_request"));
  };
  drive(driver, {a, b}, 120s, options);
  ASSERT_TRUE(forged) << "the registrations never both awaited the face match";
  EXPECT_EQ(driver.outcome_of(a), sim::Outcome::issued);
  EXPECT_EQ(driver.outcome_of(b), sim::Outcome::issued);
}

}  // namespace
}  // namespace enroll::test
