// The operator actions through the real stack: POST /v1/registrations/{id}/retry|rewind|cancel
// on enrollmentd's HTTP API with an operator's own bearer token, the operator.<action> event on
// the inbox, applied in order by the engine; each journey then completes (or ends) and its
// audit chain is exactly once, naming the token's operator and the operator side's principal.
// Then what is refused (400, 401, 403, 404, 409, nothing written to the inbox), several
// operators each audited under their own id (an unknown or revoked token 401, a body naming
// another operator 403), and enrollctl's service commands against the running enrollmentd,
// the bulk actions by query (count, cancel --query) included.
#include <algorithm>
#include <map>
#include <set>
#include <thread>
#include <tuple>

#include "adapters/keys/http_tls.hpp"
#include "adapters/trust/provisioning.hpp"
#include "adapters/trust/signer.hpp"
#include "sim/citizen_driver.hpp"
#include "tests/integration/orchestrator_fixture.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/metrics_text.hpp"

namespace enroll::test {
namespace {
using namespace std::chrono_literals;
using nlohmann::json;

class OperatorApiTest : public OrchestratorTest {
 protected:
  // POST with the demo operator's token (operator-1, of the key folder), or `token`.
  HttpResponse post(const std::string& id, const std::string& action, const json& body,
                    const std::optional<std::string>& token = std::nullopt) {
    HttpConnection c(http_port());
    std::map<std::string, std::string> headers{{"Content-Type", "application/json"}};
    headers["Authorization"] = "Bearer " + token.value_or(operator_token_);
    if (token && token->empty()) headers.erase("Authorization");
    return c.request("POST", "/v1/registrations/" + id + "/" + action, headers, body.dump());
  }
  json status_of(const std::string& id) {
    const auto r = http_get(http_port(), "/v1/registrations/" + id, reader_token_);
    return r.status == 200 ? r.json() : json();
  }
  // Polls GET /v1/registrations/{id} until `done` holds for it.
  json wait_for(const std::string& id, const std::function<bool(const json&)>& done,
                std::chrono::seconds timeout = 30s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    json v;
    while (std::chrono::steady_clock::now() < deadline) {
      v = status_of(id);
      if (!v.is_null() && done(v)) return v;
      std::this_thread::sleep_for(100ms);
    }
    ADD_FAILURE() << id << " never got there; last seen " << v.dump();
    return v;
  }
  // The audit records of `id` (GET .../history) whose outcome starts with `prefix`. An issued
  // registration keeps no history in Redis (issue 16): its records are read from enroll.audit.
  std::vector<json> records_of(const std::string& id, const std::string& prefix) {
    const auto r =
        http_get(http_port(), "/v1/registrations/" + id + "/history?limit=1000", reader_token_);
    EXPECT_EQ(r.status, 200) << r.body;
    const auto body = r.json();
    json records = body.at("records");
    if (const auto dropped = body.at("dropped").get<std::size_t>(); records.empty() && dropped) {
      std::map<std::int64_t, json> by_seq;  // re-sent copies count once
      TopicReader audit(services_.brokers(), topics_.audit());
      for (int tries = 0; tries < 100 && by_seq.size() < dropped; ++tries) {
        audit.read_to_end();
        for (const auto& e : of(audit.messages(), id))
          by_seq[e.at("data").at("seq")] = e.at("data");
      }
      for (auto& [seq, record] : by_seq) records.push_back(std::move(record));
    }
    std::vector<json> out;
    for (const auto& rec : records) {
      if (rec.at("outcome").get<std::string>().rfind(prefix, 0) == 0) out.push_back(rec);
    }
    return out;
  }
  // The one audit record of an operator action: actor (the operator side's principal, and the
  // operator acting through it), reason, cause (the command's id).
  void expect_audited(const std::string& id, const std::string& action, const std::string& who,
                      const std::string& reason, const std::string& command_id) {
    const auto records = records_of(id, "operator_" + action);
    ASSERT_EQ(records.size(), 1u) << id << " " << action;
    EXPECT_EQ(records[0].at("actor").at("principal"), trust::kOperatorPrincipal);
    EXPECT_EQ(records[0].at("actor").at("role"), "operator");
    EXPECT_EQ(records[0].at("actor").at("operator"), who);
    EXPECT_EQ(records[0].at("outcome"), "operator_" + action + ": " + reason);
    EXPECT_EQ(records[0].at("cause"), command_id);
  }
  // A self-service registration started and left at its first step (accept-terms).
  std::string start_idle(std::uint64_t citizen) {
    const auto id = unique_name("idle");
    sim::CitizenDriver idler(signers(), keys_.seal_public_key(), "/test/idle", "self-service");
    const auto start = idler.start(id, citizen, "self-service", sim::Persona::none);
    send(start.key, start.value);
    wait_for(id, [](const json& v) { return v.at("step") == "accept-terms"; });
    return id;
  }
  // The operator.* messages on the inbox.
  std::vector<json> operator_messages() {
    TopicReader inbox(services_.brokers(), topics_.inbox());
    inbox.read_to_end();
    std::vector<json> out;
    for (const auto& m : inbox.messages()) {
      auto e = json::parse(m.value);
      if (e.at("type").get<std::string>().rfind("operator.", 0) == 0) out.push_back(std::move(e));
    }
    return out;
  }

  std::string locked_ = unique_name("reg-locked");  // known before SetUp writes the scenario
  std::string incident_ = unique_name("reg-incident");
  json scenario() override {
    const json low{{"outputs", {{"liveness", 0.1}}}};
    const json busy{{"status", "retryable"}, {"error", {{"code", "unavailable"}}}};
    return {{locked_, {{"face.liveness", {low, low, low}}}},  // then the default: alive
            {incident_, {{"card.verify", {busy, busy, busy, busy, busy}}}}};  // then: valid
  }
};

TEST_F(OperatorApiTest, RetryUnlocksALockedSelfieAndTheCitizenCompletes) {
  sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
  const auto start = driver.start(locked_, 8101, "self-service", sim::Persona::none);
  send(start.key, start.value);
  drive(driver, {locked_}, 120s, true);
  ASSERT_EQ(driver.outcome_of(locked_), sim::Outcome::locked);
  EXPECT_EQ(status_of(locked_).at("status"), "locked");

  const auto r = post(locked_, "retry", {{"reason", "citizen called"}});
  ASSERT_EQ(r.status, 202) << r.body;
  const auto accepted = r.json();
  EXPECT_EQ(accepted.at("registration_id"), locked_);
  const std::string command_id = accepted.at("command_id");
  EXPECT_EQ(command_id.rfind("op/", 0), 0u);

  // The retry re-opens the selfie with its tries renewed; the citizen takes a new one.
  const auto events = of(drive(driver, {locked_}, 120s), locked_);
  EXPECT_EQ(driver.outcome_of(locked_), sim::Outcome::issued);
  EXPECT_EQ(status_of(locked_).at("status"), "issued");
  bool reopened = false;
  for (const auto& a : events) {
    if (a["type"] == "registration.awaiting" && a["data"]["step"] == "selfie" &&
        a["data"]["reason"].is_object() && a["data"]["reason"]["code"] == "operator_retry") {
      reopened = true;
      EXPECT_EQ(a["data"]["attempts_left"], 3);
    }
  }
  EXPECT_TRUE(reopened) << "no registration.awaiting of the selfie after the retry";
  expect_audited(locked_, "retry", "operator-1", "citizen called", command_id);
  // The command on the inbox is the one the API answered with.
  const auto sent = operator_messages();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].at("id"), command_id);
  EXPECT_EQ(sent[0].at("type"), "operator.retry");
  EXPECT_EQ(sent[0].at("source"), "/enrollmentd/operator");
  EXPECT_EQ(sent[0].at("subject"), locked_);
  EXPECT_EQ(sent[0].at("data"),  // the operator from the token
            (json{{"operator", {{"id", "operator-1"}}}, {"reason", "citizen called"}}));
  expect_exactly_once({locked_});
}

// A registry outage longer than the step's retries (issue 14): an incident, not a rejection;
// shown by the API and /metrics; the operator's retry resumes it and the citizen completes.
TEST_F(OperatorApiTest, AnIncidentWaitsForTheOperatorsRetryThenCompletes) {
  sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
  const auto start = driver.start(incident_, 8103, "self-service", sim::Persona::none);
  send(start.key, start.value);
  drive(driver, {incident_}, 120s, true);
  ASSERT_EQ(driver.outcome_of(incident_), sim::Outcome::incident);
  const auto v = wait_for(incident_, [](const json& s) { return s.at("status") == "incident"; });
  EXPECT_EQ(v.at("step"), "verify-card");
  EXPECT_EQ(v.at("incident").at("task"), "card.verify");
  EXPECT_EQ(v.at("incident").at("error"), "unavailable");
  EXPECT_EQ(v.at("incident").at("attempts"), 5);
  EXPECT_EQ(v.at("reason").at("code"), "task_failed");
  const auto listed =
      http_get(http_port(), "/v1/registrations?status=incident", reader_token_).json();
  ASSERT_EQ(listed.at("items").size(), 1u) << listed.dump();
  EXPECT_EQ(listed.at("items")[0].at("id"), incident_);
  const auto metrics = parse_metrics(http_get(http_port(), "/metrics").body);
  EXPECT_EQ(metrics.at("enroll_registrations_incident"), 1);

  const auto r = post(incident_, "retry", {{"reason", "registry back"}});
  ASSERT_EQ(r.status, 202) << r.body;
  drive(driver, {incident_}, 120s);
  EXPECT_EQ(driver.outcome_of(incident_), sim::Outcome::issued);
  EXPECT_EQ(status_of(incident_).at("incident"), nullptr);
  // Audited once, naming the operator; the task step's record also names why it was entered.
  const auto retried = records_of(incident_, "operator_retry: registry back");
  ASSERT_EQ(retried.size(), 1u);
  EXPECT_EQ(retried[0].at("actor").at("operator"), "operator-1");
  EXPECT_EQ(retried[0].at("from"), "incident");
  EXPECT_EQ(retried[0].at("cause"), r.json().at("command_id"));
  EXPECT_EQ(records_of(incident_, "incident:unavailable").size(), 1u);
  expect_exactly_once({incident_});
}

TEST_F(OperatorApiTest, RewindToTheSelfieForgetsWhatCameAfterAndTheCitizenCompletes) {
  const auto id = unique_name("reg-rewind");
  sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
  const auto start = driver.start(id, 8102, "self-service", sim::Persona::none);
  send(start.key, start.value);
  // The citizen stops after the passcode: never told that the consent confirmation is due.
  std::string held;
  DriveOptions stop;
  stop.withhold = [&](const json& e) {
    if (e.value("subject", "") != id || e.value("type", "") != "registration.awaiting" ||
        e["data"].value("step", "") != "confirm-consent") {
      return false;
    }
    held = e.at("id");
    return true;
  };
  stop.stop_when_withheld = true;
  drive(driver, {id}, 120s, stop);
  ASSERT_FALSE(held.empty()) << "never reached the consent confirmation";
  const auto before = stored_state(id).value();
  ASSERT_EQ(before.at("step"), "confirm-consent");
  const auto& had = before.at("captured");
  ASSERT_FALSE(had.at("passcode").at("verifier").get<std::string>().empty());
  ASSERT_FALSE(had.at("selfie").at("image_ref").get<std::string>().empty());
  ASSERT_FALSE(had.at("face").at("score").is_null());

  const auto r = post(
      id, "rewind",
      {{"operator", "operator-1"}, {"reason", "selfie of someone else"}, {"to_step", "selfie"}});
  ASSERT_EQ(r.status, 202) << r.body;
  const std::string command_id = r.json().at("command_id");
  wait_for(id, [&](const json& v) {
    return v.at("state_version") > before.at("state_version") && v.at("step") == "selfie";
  });
  const auto after = stored_state(id).value();
  EXPECT_EQ(after.at("phase"), "biometrics");
  const auto& has = after.at("captured");
  EXPECT_EQ(has.at("selfie").at("image_ref"), "");
  EXPECT_TRUE(has.at("selfie").at("liveness").is_null());
  EXPECT_TRUE(has.at("face").at("score").is_null());
  EXPECT_EQ(has.at("passcode").at("verifier"), "");
  EXPECT_TRUE(has.at("confirmation").at("confirmed_at").is_null());
  EXPECT_EQ(has.at("card_front"), had.at("card_front")) << "what came before the selfie stays";
  EXPECT_EQ(has.at("card_back"), had.at("card_back"));
  EXPECT_EQ(has.at("terms"), had.at("terms"));

  // The citizen recaptures the selfie, sets a passcode again and confirms: issued.
  DriveOptions resume;
  resume.withhold = [&](const json& e) { return e.value("id", "") == held; };
  const auto events = of(drive(driver, {id}, 120s, resume), id);
  EXPECT_EQ(driver.outcome_of(id), sim::Outcome::issued);
  EXPECT_EQ(stored_state(id).value().at("machine"), "issued");
  EXPECT_TRUE(std::none_of(events.begin(), events.end(),
                           [](const json& e) { return e["type"] == "command.rejected"; }));
  expect_audited(id, "rewind", "operator-1", "selfie of someone else", command_id);
  expect_exactly_once({id});
}

TEST_F(OperatorApiTest, CancelEndsAnActiveRegistrationOnce) {
  const auto id = start_idle(8103);
  auto r = post(id, "cancel", {{"reason", "duplicate application"}});
  ASSERT_EQ(r.status, 202) << r.body;
  const std::string command_id = r.json().at("command_id");
  const auto v = wait_for(id, [](const json& s) { return s.at("status") == "cancelled"; });
  EXPECT_EQ(v.at("reason"),
            (json{{"code", "operator_cancel"}, {"detail", "duplicate application"}}));
  expect_audited(id, "cancel", "operator-1", "duplicate application", command_id);

  // Ended: every action is refused up front, and nothing more reaches the inbox.
  for (const auto& [action, body] : std::vector<std::pair<std::string, json>>{
           {"cancel", {{"reason", "again"}}},
           {"retry", {{"reason", "again"}}},
           {"rewind", {{"reason", "again"}, {"to_step", "accept-terms"}}}}) {
    r = post(id, action, body);
    EXPECT_EQ(r.status, 409) << action << ": " << r.body;
    EXPECT_EQ(r.error_code(), "registration_ended") << action;
  }
  EXPECT_EQ(operator_messages().size(), 1u);
  expect_exactly_once({id});
}

TEST_F(OperatorApiTest, RefusesWithoutTheTokenABadBodyAnUnknownOrImpossibleAction) {
  const auto id = start_idle(8104);
  const json ok{{"reason", "check"}};
  // 401: no token, another token, another scheme; the answer says how to authenticate.
  for (const std::string& token : {std::string(), std::string("not-the-operator-token-at-all"),
                                   operator_token_ + "x", operator_token_.substr(1)}) {
    const auto r = post(id, "retry", ok, token);
    EXPECT_EQ(r.status, 401) << token;
    EXPECT_EQ(r.error_code(), "unauthorized");
    EXPECT_EQ(r.headers.at("www-authenticate"), "Bearer");
  }
  {
    HttpConnection c(http_port());
    const auto r = c.request("POST", "/v1/registrations/" + id + "/cancel",
                             {{"Authorization", "Basic " + operator_token_}}, ok.dump());
    EXPECT_EQ(r.status, 401);
  }
  // 400: the body, the id, the step; 403: a body naming another operator than the token's.
  const std::vector<std::tuple<std::string, std::string, int, std::string>> bad{
      {"retry", "not json", 400, "bad_request"},
      {"retry", R"({"operator":"operator-1"})", 400, "bad_request"},
      {"cancel", R"({"operator":1,"reason":"r"})", 400, "bad_request"},
      {"cancel", R"({"reason":""})", 400, "bad_request"},
      {"retry", R"({"reason":"r","to_step":"selfie"})", 400, "bad_request"},
      {"rewind", R"({"reason":"r"})", 400, "bad_request"},
      {"rewind", R"({"reason":"r","to_step":"teleport"})", 400, "unknown_step"},
      {"cancel", R"({"operator":"op-di","reason":"r"})", 403, "operator_mismatch"}};
  for (const auto& [action, body, status, code] : bad) {
    HttpConnection c(http_port());
    const auto r = c.request("POST", "/v1/registrations/" + id + "/" + action,
                             {{"Authorization", "Bearer " + operator_token_}}, body);
    EXPECT_EQ(r.status, status) << action << " " << body << ": " << r.body;
    EXPECT_EQ(r.error_code(), code) << action << " " << body;
  }
  auto r = post("bad%20id", "retry", ok);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_code(), "bad_id");
  // 404: no such registration.
  r = post("reg-never-started", "cancel", ok);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.error_code(), "registration_not_found");
  // 409: forward of where it stands.
  r = post(id, "rewind", {{"reason", "r"}, {"to_step", "selfie"}});
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.error_code(), "rewind_forward");
  // 405: the action routes take POST only.
  r = http_get(http_port(), "/v1/registrations/" + id + "/retry", reader_token_);
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers.at("allow"), "POST");

  // None of it reached the inbox, and the registration did not move.
  EXPECT_TRUE(operator_messages().empty());
  const auto v = status_of(id);
  EXPECT_EQ(v.at("status"), "active");
  EXPECT_EQ(v.at("step"), "accept-terms");
  EXPECT_EQ(v.at("audit_records"), 1);

  // A retry where there is nothing to retry is accepted: the step starts again.
  r = post(id, "retry", ok);
  ASSERT_EQ(r.status, 202) << r.body;
  wait_for(id, [](const json& s) { return s.at("audit_records") == 2; });
  expect_audited(id, "retry", "operator-1", "check", r.json().at("command_id"));
  expect_exactly_once({id});
}

// A POST repeated with the same Idempotency-Key is the same command: both answers name it, the
// engine applies it once. The retry without a key, sent after both, is a new one and is
// applied after them (one partition, one order), so once its record is there the count is
// final.
TEST_F(OperatorApiTest, ARepeatedPostWithTheSameIdempotencyKeyIsAppliedOnce) {
  const auto id = start_idle(7301);
  const json body{{"reason", "answer lost"}};
  const auto keyed = [&](const std::string& key) {
    HttpConnection c(http_port());
    return c.request("POST", "/v1/registrations/" + id + "/retry",
                     {{"Authorization", "Bearer " + operator_token_}, {"Idempotency-Key", key}},
                     body.dump());
  };
  const auto first = keyed("retry-7301-a");
  const auto again = keyed("retry-7301-a");
  ASSERT_EQ(first.status, 202) << first.body;
  ASSERT_EQ(again.status, 202) << again.body;
  EXPECT_EQ(first.json().at("command_id"), again.json().at("command_id"));
  const auto bad = keyed("two words");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.error_code(), "bad_request");
  const auto fresh = post(id, "retry", {{"reason", "after"}});
  ASSERT_EQ(fresh.status, 202) << fresh.body;
  const auto fresh_id = fresh.json().at("command_id").get<std::string>();
  ASSERT_NE(fresh_id, first.json().at("command_id").get<std::string>());

  wait_for(id, [&](const json&) {
    const auto retries = records_of(id, "operator_retry");
    return std::any_of(retries.begin(), retries.end(),
                       [&](const json& r) { return r.at("cause") == fresh_id; });
  });
  const auto retries = records_of(id, "operator_retry");
  ASSERT_EQ(retries.size(), 2u);
  EXPECT_EQ(retries[0].at("cause"), first.json().at("command_id"));
  EXPECT_EQ(retries[1].at("cause"), fresh_id);
  EXPECT_EQ(operator_messages().size(), 3u);  // both copies reached the inbox
  EXPECT_EQ(status_of(id).at("audit_records"), 3);
  expect_exactly_once({id});
}

// Several operators, each with a token of their own (operators.json holds their hashes): each
// action is audited under the operator of its token, whatever the body says; a body naming
// another operator is refused (403); an unknown token, a revoked operator's token and the
// shared token of earlier versions (ENROLL_OPERATOR_TOKEN in enrollmentd's environment, no
// longer read) are all 401, alike.
class NamedOperatorsTest : public OperatorApiTest {
 protected:
  void adjust_operators(trust::OperatorFile& operators) override {
    const auto now = trust::system_now();
    const auto token = [&](const char* id) {
      return std::string(trust::add_operator(operators, trust::OperatorId(id), now).token.view());
    };
    ann_ = token("op-ann");
    bo_ = token("op-bo");
    gone_ = token("op-gone");
    trust::revoke_operator(operators, trust::OperatorId("op-gone"), now);
  }
  std::map<std::string, std::string> daemon_env() override {
    return {{"ENROLL_OPERATOR_TOKEN", shared_}};
  }
  std::string ann_, bo_, gone_;
  std::string shared_ = "env-token-" + std::string(24, 'k');
};

TEST_F(NamedOperatorsTest, EachActionIsAuditedUnderItsOwnOperator) {
  const auto first = start_idle(8111);
  const auto second = start_idle(8112);
  auto r = post(first, "retry", {{"reason", "ann nudges"}}, ann_);
  ASSERT_EQ(r.status, 202) << r.body;
  const std::string ann_retry = r.json().at("command_id");
  r = post(second, "cancel", {{"operator", "op-bo"}, {"reason", "bo cancels"}}, bo_);
  ASSERT_EQ(r.status, 202) << r.body;
  const std::string bo_cancel = r.json().at("command_id");
  // The same Idempotency-Key from two operators: two commands, not a repeat of one.
  std::string keyed[2];
  for (int i = 0; i < 2; ++i) {
    HttpConnection c(http_port());
    const auto k = c.request(
        "POST", "/v1/registrations/" + first + "/retry",
        {{"Authorization", "Bearer " + (i == 0 ? ann_ : bo_)}, {"Idempotency-Key", "shared-key-1"}},
        json{{"reason", "keyed"}}.dump());
    ASSERT_EQ(k.status, 202) << k.body;
    keyed[i] = k.json().at("command_id");
  }
  EXPECT_NE(keyed[0], keyed[1]);

  // 403: ann's token with a body naming bo; nothing reaches the inbox.
  r = post(second, "cancel", {{"operator", "op-bo"}, {"reason", "as bo"}}, ann_);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(r.error_code(), "operator_mismatch");
  EXPECT_EQ(r.body.find("as bo"), std::string::npos);
  // 401 alike: unknown, revoked, the shared token of earlier versions.
  std::string unknown_body;
  for (const auto& token : {std::string("an-operator-token-nobody-has-0123456789abc"), gone_,
                            shared_, ann_.substr(0, ann_.size() - 1)}) {
    r = post(first, "cancel", {{"reason", "who am i"}}, token);
    EXPECT_EQ(r.status, 401) << r.body;
    EXPECT_EQ(r.error_code(), "unauthorized");
    if (unknown_body.empty()) unknown_body = r.body;
    EXPECT_EQ(r.body, unknown_body) << "a revoked token is answered as an unknown one";
  }

  wait_for(second, [](const json& s) { return s.at("status") == "cancelled"; });
  wait_for(first, [&](const json&) { return records_of(first, "operator_retry").size() == 3; });
  expect_audited(second, "cancel", "op-bo", "bo cancels", bo_cancel);
  // Who acted, by command: the operator of the token it came with.
  const std::map<std::string, std::string> by{
      {ann_retry, "op-ann"}, {keyed[0], "op-ann"}, {keyed[1], "op-bo"}, {bo_cancel, "op-bo"}};
  const auto retries = records_of(first, "operator_retry");
  ASSERT_EQ(retries.size(), 3u);
  for (const auto& rec : retries) {
    const auto cause = rec.at("cause").get<std::string>();
    ASSERT_EQ(by.count(cause), 1u) << rec.dump();
    EXPECT_EQ(rec.at("actor").at("operator"), by.at(cause)) << rec.dump();
    EXPECT_EQ(rec.at("actor").at("principal"), trust::kOperatorPrincipal);
  }
  // On the inbox: four actions, each carrying its token's operator, signed by operator-api.
  const auto sent = operator_messages();
  ASSERT_EQ(sent.size(), 4u);
  for (const auto& m : sent) {
    const auto id = m.at("id").get<std::string>();
    ASSERT_EQ(by.count(id), 1u) << m.dump();
    EXPECT_EQ(m.at("data").at("operator").at("id"), by.at(id)) << m.dump();
    EXPECT_EQ(m.at("keyid").get<std::string>().rfind(trust::kOperatorPrincipal, 0), 0u);
  }
  EXPECT_EQ(status_of(first).at("status"), "active");
  expect_exactly_once({first, second});
}

// enrollctl against the running enrollmentd.
// The reader role (issue 15): every /v1 read needs a reader's or an operator's token (none, an
// unknown one and a revoked reader's: 401); a reader's token reads but never acts (403
// not_an_operator, nothing on the inbox), through the API and enrollctl; the probes, the
// metrics, the dashboard's page and the signed passcode key stay open.
class ReaderRoleTest : public OperatorApiTest {
 protected:
  void adjust_operators(trust::OperatorFile& operators) override {
    const auto now = trust::system_now();
    gone_ = std::string(
        trust::add_operator(operators, trust::OperatorId("rd-gone"), now, trust::TokenRole::reader)
            .token.view());
    trust::revoke_operator(operators, trust::OperatorId("rd-gone"), now);
  }
  std::string gone_;  // a reader revoked before enrollmentd started
};

TEST_F(ReaderRoleTest, ReadsNeedATokenAndAReadersTokenNeverActs) {
  const auto id = start_idle(8301);  // read with the demo reader's token
  const std::vector<std::string> reads{"/v1/registrations?status=active",
                                       "/v1/registrations/count?status=active",
                                       "/v1/registrations/" + id,
                                       "/v1/registrations/" + id + "/history",
                                       "/v1/stats/funnel",
                                       "/v1/stats/journey?channel=self-service",
                                       "/v1/stats/activity",
                                       "/v1/bulk/bulk-nope"};
  for (const auto& target : reads) {
    for (const std::string& token : {std::string(), std::string("not-a-token"), gone_}) {
      const auto r = http_get(http_port(), target, token);
      EXPECT_EQ(r.status, 401) << target << " " << token;
      EXPECT_EQ(r.error_code(), "unauthorized") << target;
      EXPECT_EQ(r.headers.at("www-authenticate"), "Bearer") << target;
      EXPECT_EQ(r.body.find(id), std::string::npos) << target << ": " << r.body;
    }
    // A reader reads; so does an operator.
    for (const auto& token : {reader_token_, operator_token_}) {
      const auto r = http_get(http_port(), target, token);
      EXPECT_EQ(r.status, target == "/v1/bulk/bulk-nope" ? 404 : 200) << target << " " << r.body;
    }
  }
  EXPECT_EQ(http_get(http_port(), "/v1/registrations/" + id, reader_token_).json().at("id"), id);

  // Open to anyone.
  for (const char* open : {"/healthz", "/readyz", "/metrics", "/", "/dashboard.js",
                           "/dashboard.css", "/v1/keys/passcode"}) {
    EXPECT_EQ(http_get(http_port(), open).status, 200) << open;
  }

  // A reader's token never acts: the single actions and the bulk ones.
  for (const char* action : {"retry", "cancel"}) {
    const auto r = post(id, action, {{"reason", "a reader tries"}}, reader_token_);
    EXPECT_EQ(r.status, 403) << action << " " << r.body;
    EXPECT_EQ(r.error_code(), "not_an_operator") << action;
  }
  EXPECT_EQ(post(id, "cancel", {{"reason", "gone"}}, gone_).status, 401);
  for (const char* action : {"retry", "cancel"}) {
    HttpConnection c(http_port());
    const auto r = c.request(
        "POST", std::string("/v1/registrations/bulk/") + action,
        {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + reader_token_}},
        json{{"query", "status=active"}, {"reason", "a reader tries"}, {"count", 1}}.dump());
    EXPECT_EQ(r.status, 403) << action << " " << r.body;
    EXPECT_EQ(r.error_code(), "not_an_operator") << action;
  }
  // enrollctl with the reader's token file: reads, and is refused an action.
  const auto url = "http://127.0.0.1:" + std::to_string(http_port());
  const auto file = reader_token_file().string();
  std::string out;
  EXPECT_EQ(enrollctl({"--url", url, "--token-file", file, "--json", "status", id}, out), 0) << out;
  EXPECT_NE(out.find("\"id\":\"" + id + "\""), std::string::npos) << out;
  EXPECT_EQ(enrollctl({"--url", url, "--token-file", file, "cancel", id, "--reason", "r"}, out), 1)
      << out;
  EXPECT_NE(out.find("403 not_an_operator"), std::string::npos) << out;
  EXPECT_TRUE(operator_messages().empty());
  EXPECT_EQ(status_of(id).at("status"), "active");
}

class EnrollctlServiceTest : public OperatorApiTest {
 protected:
  struct Run {
    int exit = -1;
    std::string out;  // stdout and stderr
    [[nodiscard]] json as_json() const { return json::parse(out, nullptr, false); }
  };
  Run ctl(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    std::vector<std::string> argv{ENROLLCTL_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    // Nothing from the test runner's environment decides for the command.
    for (const char* name :
         {"ENROLL_URL", "ENROLL_OPERATOR_TOKEN", "ENROLL_TOKEN_FILE", "ENROLL_KEYS"}) {
      env.try_emplace(name, "");
    }
    ChildProcess p(ChildProcess::Options{
        argv, work_ / ("enrollctl-" + std::to_string(++runs_) + ".log"), env});
    Run run;
    run.exit = p.wait_exit(60s).value_or(-1);
    run.out = p.log();
    return run;
  }
  // A read, with the demo reader's token file (ENROLL_TOKEN_FILE).
  Run read_ctl(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    env.try_emplace("ENROLL_TOKEN_FILE", reader_token_file().string());
    return ctl(std::move(args), std::move(env));
  }
  std::string url() { return "http://127.0.0.1:" + std::to_string(http_port()); }
  void adjust_operators(trust::OperatorFile& operators) override {
    fay_ =
        std::string(trust::add_operator(operators, trust::OperatorId("op-fay"), trust::system_now())
                        .token.view());
  }
  int runs_ = 0;
  std::string fay_;  // op-fay's token, given to enrollctl by ENROLL_OPERATOR_TOKEN
};

TEST_F(EnrollctlServiceTest, StatusHistoryListAndTheActions) {
  const auto id = start_idle(8105);
  const auto other = start_idle(8106);
  const auto url = this->url();
  const auto keys = (work_ / "keys").string();

  // status
  auto run = read_ctl({"--url", url, "status", id});
  EXPECT_EQ(run.exit, 0) << run.out;
  EXPECT_NE(run.out.find("registration " + id), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("accept-terms (awaiting_input"), std::string::npos) << run.out;
  run = read_ctl({"status", id, "--json"}, {{"ENROLL_URL", url}});
  EXPECT_EQ(run.exit, 0) << run.out;
  EXPECT_EQ(run.as_json().value("id", ""), id) << run.out;
  EXPECT_EQ(run.as_json().value("status", ""), "active");
  run = read_ctl({"--url", url, "status", "reg-never-started"});
  EXPECT_EQ(run.exit, 1);
  EXPECT_NE(run.out.find("404 registration_not_found"), std::string::npos) << run.out;
  run = read_ctl({"--url", url, "--json", "status", "reg-never-started"});
  EXPECT_EQ(run.exit, 1);
  EXPECT_EQ(run.as_json().value("status", 0), 404) << run.out;
  run = read_ctl({"--url", "http://127.0.0.1:1", "status", id});
  EXPECT_EQ(run.exit, 1);
  EXPECT_NE(run.out.find("cannot connect"), std::string::npos) << run.out;
  run = ctl({"--url", "ftp://example.org", "status", id});
  EXPECT_EQ(run.exit, 2) << run.out;
  run = ctl({"--url", url, "status"});
  EXPECT_EQ(run.exit, 2) << run.out;

  // list
  run = read_ctl({"--url", url, "list", "--status", "active", "--json"});
  EXPECT_EQ(run.exit, 0) << run.out;
  std::set<std::string> listed;
  const auto active = run.as_json();
  for (const auto& item : active.at("items")) listed.insert(item.at("id"));
  EXPECT_EQ(listed, (std::set<std::string>{id, other}));
  run = read_ctl({"--url", url, "list", "--phase", "consent", "--channel", "self-service"});
  EXPECT_EQ(run.exit, 0) << run.out;
  EXPECT_NE(run.out.find(id), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("2 registration(s)"), std::string::npos) << run.out;
  run = read_ctl({"--url", url, "list", "--limit", "1", "--json"});
  EXPECT_EQ(run.exit, 0) << run.out;
  EXPECT_EQ(run.as_json().at("items").size(), 1u);
  EXPECT_TRUE(run.as_json().at("next_cursor").is_string());
  run = read_ctl({"--url", url, "list", "--phase", "nowhere"});
  EXPECT_EQ(run.exit, 1);
  EXPECT_NE(run.out.find("400 bad_filter"), std::string::npos) << run.out;

  // The actions: who acts, with which token.
  run = ctl({"--url", url, "retry", id});
  EXPECT_EQ(run.exit, 2) << run.out;  // no --reason
  EXPECT_NE(run.out.find("--reason is required"), std::string::npos) << run.out;
  run = ctl({"--url", url, "retry", id, "--reason", "r"});
  EXPECT_EQ(run.exit, 2) << run.out;  // no token
  EXPECT_NE(run.out.find("a bearer token is needed"), std::string::npos) << run.out;
  run = ctl({"--url", url, "status", id});  // reads too
  EXPECT_EQ(run.exit, 2) << run.out;
  EXPECT_NE(run.out.find("--token-file F, or --keys DIR"), std::string::npos) << run.out;
  run = ctl({"--url", url, "--token", "wrong-token-wrong-token", "retry", id, "--reason", "r"});
  EXPECT_EQ(run.exit, 1) << run.out;
  EXPECT_NE(run.out.find("401 unauthorized"), std::string::npos) << run.out;
  run = ctl({"--url", url, "--keys", keys, "rewind", id, "--to", "selfie", "--reason", "r"});
  EXPECT_EQ(run.exit, 1) << run.out;
  EXPECT_NE(run.out.find("409 rewind_forward"), std::string::npos) << run.out;
  run = ctl({"--url", url, "--keys", keys, "rewind", id, "--to", "accept-terms", "--reason",
             "terms shown again", "--json"});
  ASSERT_EQ(run.exit, 0) << run.out;  // by the demo operator, whose token --keys reads
  const std::string rewind_id = run.as_json().at("command_id");
  // The token says who acts: there is no --operator any more.
  run = ctl({"--url", url, "retry", other, "--reason", "nudge", "--operator", "op-fay"},
            {{"ENROLL_OPERATOR_TOKEN", fay_}});
  EXPECT_EQ(run.exit, 2) << run.out;
  run = ctl({"--url", url, "retry", other, "--reason", "nudge"}, {{"ENROLL_OPERATOR_TOKEN", fay_}});
  ASSERT_EQ(run.exit, 0) << run.out;
  EXPECT_NE(run.out.find("retry of " + other + " accepted as op/"), std::string::npos) << run.out;
  run = ctl({"--url", url, "--keys", keys, "cancel", other, "--reason", "fraud suspected"});
  ASSERT_EQ(run.exit, 0) << run.out;
  wait_for(other, [](const json& s) { return s.at("status") == "cancelled"; });
  wait_for(id, [](const json& s) { return s.at("audit_records") == 2; });
  run = ctl({"--url", url, "--keys", keys, "--json", "cancel", other, "--reason", "again"});
  EXPECT_EQ(run.exit, 1) << run.out;
  EXPECT_EQ(run.as_json().value("status", 0), 409) << run.out;
  EXPECT_EQ(run.as_json().at("error").value("code", ""), "registration_ended") << run.out;

  // history: the operators on the record.
  expect_audited(id, "rewind", "operator-1", "terms shown again", rewind_id);
  run = read_ctl({"--url", url, "history", other, "--json"});
  ASSERT_EQ(run.exit, 0) << run.out;
  const auto h = run.as_json();
  EXPECT_EQ(h.at("total"), stored_state(other).value().at("audit_seq"));
  ASSERT_EQ(h.at("records").size(), 3u);
  EXPECT_EQ(h.at("records")[1].at("actor").at("operator"), "op-fay");
  EXPECT_EQ(h.at("records")[2].at("actor").at("operator"), "operator-1");
  run = read_ctl({"--url", url, "history", other});
  EXPECT_EQ(run.exit, 0) << run.out;
  EXPECT_NE(run.out.find("operator:operator-1"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("operator:op-fay"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("operator_cancel: fraud suspected"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("3 record(s)"), std::string::npos) << run.out;
  run = read_ctl({"--url", url, "history", "reg-never-started"});
  EXPECT_EQ(run.exit, 1);
  expect_exactly_once({id, other});
}

// Bulk actions by query (issue 14): registrations stopped at a step by the simulators'
// injected failures (three selfies locked), others left waiting at another step (two idle at
// accept-terms). `count` and `cancel --query` act on the matching ones only, each once; the
// same run again (same key) applies nothing new, and two runs of one key side by side are one
// command per registration.
class BulkActionsTest : public EnrollctlServiceTest {
 protected:
  std::vector<std::string> locked_ids_{unique_name("bulk-locked-a"), unique_name("bulk-locked-b"),
                                       unique_name("bulk-locked-c")};
  json scenario() override {
    const json low{{"outputs", {{"liveness", 0.1}}}};
    json s = json::object();
    for (const auto& id : locked_ids_) s[id] = {{"face.liveness", {low, low, low}}};
    return s;
  }
  // Every operator.<action> message on the inbox per registration: their ids.
  std::map<std::string, std::set<std::string>> operator_ids(const std::string& type) {
    std::map<std::string, std::set<std::string>> out;
    for (const auto& m : operator_messages()) {
      if (m.at("type") == type) out[m.at("subject")].insert(m.at("id").get<std::string>());
    }
    return out;
  }
  // POST /v1/registrations/bulk/<action> with the demo operator's token (none if `token` is
  // false), and an Idempotency-Key if given.
  HttpResponse bulk(const std::string& action, const json& body, const std::string& key = {},
                    bool token = true) {
    HttpConnection c(http_port());
    std::map<std::string, std::string> headers{{"Content-Type", "application/json"}};
    if (token) headers["Authorization"] = "Bearer " + operator_token_;
    if (!key.empty()) headers["Idempotency-Key"] = key;
    return c.request("POST", "/v1/registrations/bulk/" + action, headers, body.dump());
  }
  // GET /v1/bulk/{job} until the job has ended.
  json job_when_ended(const std::string& job) {
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    json v;
    while (std::chrono::steady_clock::now() < deadline) {
      const auto r = http_get(http_port(), "/v1/bulk/" + job, reader_token_);
      EXPECT_EQ(r.status, 200) << r.body;
      v = r.json();
      if (v.value("state", "") == "done" || v.value("state", "") == "failed") return v;
      std::this_thread::sleep_for(100ms);
    }
    ADD_FAILURE() << job << " never ended; last seen " << v.dump();
    return v;
  }
  // The summary of a --json bulk run: its one line of JSON (stderr has the progress).
  static json summary_of(const std::string& out) {
    std::size_t at = 0;
    json last;
    while (at < out.size()) {
      const auto end = out.find('\n', at);
      const auto line = out.substr(at, end == std::string::npos ? std::string::npos : end - at);
      if (line.rfind('{', 0) == 0) last = json::parse(line, nullptr, false);
      if (end == std::string::npos) break;
      at = end + 1;
    }
    return last;
  }
};

TEST_F(BulkActionsTest, CountAndCancelByQueryActOnTheMatchingOnesExactlyOnce) {
  sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
  for (std::size_t i = 0; i < locked_ids_.size(); ++i) {
    const auto start = driver.start(locked_ids_[i], 8201 + i, "self-service", sim::Persona::none);
    send(start.key, start.value);
  }
  drive(driver, locked_ids_, 120s, true);
  for (const auto& id : locked_ids_) ASSERT_EQ(driver.outcome_of(id), sim::Outcome::locked) << id;
  const std::vector<std::string> idle{start_idle(8211), start_idle(8212)};
  const auto url = this->url();
  const auto keys = (work_ / "keys").string();
  const std::string query = "status=locked&step=selfie&channel=self-service";

  // The listing's step filter, and the counts: by one index (exact ZCOUNT) and by a walk.
  auto r =
      http_get(http_port(), "/v1/registrations?step=selfie&channel=self-service", reader_token_);
  ASSERT_EQ(r.status, 200) << r.body;
  std::set<std::string> listed;
  const auto page = r.json();
  for (const auto& item : page.at("items")) {
    EXPECT_EQ(item.at("step"), "selfie");
    listed.insert(item.at("id"));
  }
  EXPECT_EQ(listed, (std::set<std::string>(locked_ids_.begin(), locked_ids_.end())));
  r = http_get(http_port(), "/v1/registrations/count?status=locked", reader_token_);
  EXPECT_EQ(r.json(), (json{{"count", 3}, {"exact", true}})) << r.body;
  r = http_get(http_port(), "/v1/registrations/count?step=accept-terms&channel=self-service",
               reader_token_);
  EXPECT_EQ(r.json(), (json{{"count", 2}, {"exact", true}})) << r.body;
  r = http_get(http_port(), "/v1/registrations/count?step=nowhere", reader_token_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_code(), "bad_filter");
  r = http_get(http_port(), "/v1/registrations/count?limit=5", reader_token_);
  EXPECT_EQ(r.status, 400) << r.body;

  auto run = read_ctl({"--url", url, "count", "--query", query});
  EXPECT_EQ(run.exit, 0) << run.out;
  EXPECT_NE(run.out.find("3 registration(s) match " + query), std::string::npos) << run.out;
  run = read_ctl({"--url", url, "--json", "count", "--query", "step=accept-terms"});
  EXPECT_EQ(run.exit, 0) << run.out;
  EXPECT_EQ(run.as_json().value("count", -1), 2) << run.out;
  run = read_ctl({"--url", url, "count", "--query", "step=nowhere"});
  EXPECT_EQ(run.exit, 2) << run.out;  // the service's 400: a usage error
  EXPECT_NE(run.out.find("unknown step 'nowhere'"), std::string::npos) << run.out;

  // An action sent for a query that the registration no longer matches is refused.
  const auto moved = post(idle[0], "cancel", {{"reason", "bulk"}, {"query", query}});
  EXPECT_EQ(moved.status, 409) << moved.body;
  EXPECT_EQ(moved.error_code(), "registration_moved");

  // Without --yes it asks; stdin says nothing: nothing is sent.
  run = ctl({"--url", url, "--keys", keys, "cancel", "--query", query, "--reason", "fraud"});
  EXPECT_EQ(run.exit, 1) << run.out;
  EXPECT_NE(run.out.find("cancel 3 registration(s) matching " + query + "? [y/N]"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("not confirmed"), std::string::npos) << run.out;
  EXPECT_TRUE(operator_messages().empty());

  const std::vector<std::string> cancel{"--url",       url,          "--keys",  keys,
                                        "--json",      "cancel",     "--query", query,
                                        "--reason",    "fraud ring", "--yes",   "--idempotency-key",
                                        "bulk-test-1", "--rate",     "50/s"};
  run = ctl(cancel);
  ASSERT_EQ(run.exit, 0) << run.out;
  const auto summary = summary_of(run.out);
  EXPECT_EQ(summary.value("matched", -1), 3) << run.out;
  EXPECT_EQ(summary.value("accepted", -1), 3) << run.out;
  EXPECT_EQ(summary.value("failed", -1), 0) << run.out;
  EXPECT_NE(run.out.find("cancel: 3/3 done"), std::string::npos) << run.out;  // progress
  for (const auto& id : locked_ids_) {
    wait_for(id, [](const json& v) { return v.at("status") == "cancelled"; });
  }
  wait_until_caught_up();
  for (const auto& id : locked_ids_) {
    EXPECT_EQ(records_of(id, "operator_cancel").size(), 1u) << id;
  }
  for (const auto& id : idle) {  // not matching: untouched
    const auto v = status_of(id);
    EXPECT_EQ(v.at("status"), "active") << id;
    EXPECT_EQ(v.at("step"), "accept-terms") << id;
    EXPECT_TRUE(records_of(id, "operator_").empty()) << id;
  }
  const auto first = operator_ids("operator.cancel");
  EXPECT_EQ(first.size(), 3u);

  // The same run again, by a query that still matches them: nothing new reaches the inbox.
  // (In human words this time.)
  auto again = cancel;
  std::replace(again.begin(), again.end(), query, std::string("step=selfie&channel=self-service"));
  again.erase(std::find(again.begin(), again.end(), "--json"));
  run = ctl(again);
  EXPECT_EQ(run.exit, 0) << run.out;
  EXPECT_NE(run.out.find("bulk run key bulk-test-1 (to repeat this run safely: "
                         "--idempotency-key bulk-test-1)"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("cancel of 3 registration(s) matching step=selfie&channel=self-service: "
                         "0 accepted, 3 skipped (registration_ended 3), 0 failed; bulk run key "
                         "bulk-test-1"),
            std::string::npos)
      << run.out;
  EXPECT_EQ(operator_ids("operator.cancel"), first);

  // Two runs of one key at once (the second before the first is applied): the same command
  // per registration, which the engine applies once.
  const std::vector<std::string> idle_cancel{"--url",
                                             url,
                                             "--keys",
                                             keys,
                                             "cancel",
                                             "--query",
                                             "step=accept-terms",
                                             "--reason",
                                             "stale",
                                             "--yes",
                                             "--idempotency-key",
                                             "bulk-test-2"};
  ChildProcess one(ChildProcess::Options{
      [&] {
        std::vector<std::string> argv{ENROLLCTL_BIN};
        argv.insert(argv.end(), idle_cancel.begin(), idle_cancel.end());
        return argv;
      }(),
      work_ / "enrollctl-side-by-side.log",
      {{"ENROLL_URL", ""}, {"ENROLL_OPERATOR_TOKEN", ""}, {"ENROLL_KEYS", ""}}});
  run = ctl(idle_cancel);
  EXPECT_EQ(run.exit, 0) << run.out;
  EXPECT_EQ(one.wait_exit(60s).value_or(-1), 0) << one.log();
  for (const auto& id : idle) {
    wait_for(id, [](const json& v) { return v.at("status") == "cancelled"; });
  }
  wait_until_caught_up();
  const auto idle_ids = operator_ids("operator.cancel");
  for (const auto& id : idle) {
    EXPECT_EQ(records_of(id, "operator_cancel").size(), 1u) << id;
    ASSERT_EQ(idle_ids.count(id), 1u) << id;
    EXPECT_EQ(idle_ids.at(id).size(), 1u) << id << ": one command id, however often sent";
  }
  std::vector<std::string> all = locked_ids_;
  all.insert(all.end(), idle.begin(), idle.end());
  expect_exactly_once(all);
}

// The server-side form: POST /v1/registrations/bulk/retry confirms the count, runs a job that
// sends one action per registration, and GET /v1/bulk/{job} follows it.
TEST_F(BulkActionsTest, AServerSideBulkRetryIsAJobThatActsOnceOnEachMatchingOne) {
  sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
  for (std::size_t i = 0; i < locked_ids_.size(); ++i) {
    const auto start = driver.start(locked_ids_[i], 8301 + i, "self-service", sim::Persona::none);
    send(start.key, start.value);
  }
  drive(driver, locked_ids_, 120s, true);
  for (const auto& id : locked_ids_) ASSERT_EQ(driver.outcome_of(id), sim::Outcome::locked) << id;
  const auto idle = start_idle(8311);
  const std::string query = "status=locked&step=selfie&channel=self-service";
  const json ok{{"query", query}, {"reason", "liveness service fixed"}, {"expect_count", 3}};

  EXPECT_EQ(bulk("retry", ok, {}, false).status, 401);
  auto r = bulk("retry", {{"query", query}, {"reason", "r"}});
  EXPECT_EQ(r.status, 400) << r.body;  // no expect_count
  r = bulk("retry", {{"query", "step=nowhere"}, {"reason", "r"}, {"expect_count", 0}});
  EXPECT_EQ(r.error_code(), "bad_filter") << r.body;
  r = bulk("retry", {{"query", query}, {"reason", "r"}, {"expect_count", 3}, {"force", true}});
  EXPECT_EQ(r.status, 400) << r.body;
  r = bulk("retry", {{"query", query}, {"reason", "r"}, {"expect_count", 2}});
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.error_code(), "count_changed");
  EXPECT_EQ(http_get(http_port(), "/v1/bulk/bulk-nope", reader_token_).error_code(),
            "job_not_found");
  EXPECT_TRUE(operator_messages().empty());

  r = bulk("retry", ok, "outage-42");
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(r.json().at("count"), 3);
  auto job = job_when_ended(r.json().at("job"));
  EXPECT_EQ(job.at("state"), "done") << job.dump();
  EXPECT_EQ(job.at("total"), 3);
  EXPECT_EQ(job.at("accepted"), 3) << job.dump();
  EXPECT_EQ(job.at("failed"), 0) << job.dump();
  EXPECT_EQ(job.at("operator"), "operator-1");
  for (const auto& id : locked_ids_) {
    // The retry re-opens the selfie (the citizen is not driven: it waits there).
    wait_for(id, [](const json& v) { return v.at("status") == "active"; });
  }
  wait_until_caught_up();
  const auto first = operator_ids("operator.retry");
  EXPECT_EQ(first.size(), 3u);
  for (const auto& id : locked_ids_) {
    EXPECT_EQ(records_of(id, "operator_retry").size(), 1u) << id;
    EXPECT_EQ(first.at(id).size(), 1u) << id;
  }
  EXPECT_TRUE(records_of(idle, "operator_").empty());

  // The same run again (same key), by a query they still match: the same commands, sent
  // again, applied once.
  r = bulk(
      "retry",
      {{"query", "step=selfie&channel=self-service"}, {"reason", "again"}, {"expect_count", 3}},
      "outage-42");
  ASSERT_EQ(r.status, 202) << r.body;
  job = job_when_ended(r.json().at("job"));
  EXPECT_EQ(job.at("accepted"), 3) << job.dump();
  wait_until_caught_up();
  EXPECT_EQ(operator_ids("operator.retry"), first);
  for (const auto& id : locked_ids_) {
    EXPECT_EQ(records_of(id, "operator_retry").size(), 1u) << id;
  }
  std::vector<std::string> all = locked_ids_;
  all.push_back(idle);
  expect_exactly_once(all);
}

// enrollctl against an enrollmentd that serves HTTPS (http/tls.* in its key folder, made by
// enroll-keygen --http-certificate's code): with the certificate as CA file it reads and
// acts; without it, or over plain HTTP, it gets nothing.
class EnrollctlHttpsTest : public EnrollctlServiceTest {
 protected:
  void adjust_keys(const std::filesystem::path& keys) override {
    make_self_signed_http_tls(keys, {"127.0.0.1", "localhost"});
  }
};

TEST_F(EnrollctlHttpsTest, SpeaksTlsWithTheCaFileAndGetsNothingWithout) {
  const std::string port = std::to_string(http_port());
  const std::string ca = (work_ / "keys" / "http" / "tls.crt").string();
  const std::string token = fay_;
  for (const std::string host : {"127.0.0.1", "localhost"}) {  // an IP and a DNS name SAN
    auto run = read_ctl({"--url", "https://" + host + ":" + port, "--ca-file", ca, "--json",
                         "status", "reg-never-started"});
    EXPECT_EQ(run.exit, 1) << run.out;
    EXPECT_EQ(run.as_json().value("status", 0), 404) << run.out;  // an answer, over TLS
  }
  // An action over TLS, with the operator's token.
  auto run = ctl({"--url", "https://127.0.0.1:" + port, "--ca-file", ca, "--json", "cancel",
                  "no-such-registration", "--reason", "test"},
                 {{"ENROLL_OPERATOR_TOKEN", token}});
  EXPECT_NE(run.out.find("not_found"), std::string::npos) << run.out;
  // The system's CAs do not know the self-signed certificate.
  run = read_ctl({"--url", "https://127.0.0.1:" + port, "status", "reg-never-started"});
  EXPECT_EQ(run.exit, 1) << run.out;
  EXPECT_NE(run.out.find("TLS handshake"), std::string::npos) << run.out;
  // Plain HTTP to the HTTPS port: no answer.
  run = read_ctl({"--url", "http://127.0.0.1:" + port, "status", "reg-never-started"});
  EXPECT_EQ(run.exit, 1) << run.out;
  EXPECT_NE(run.out.find("cannot read the answer"), std::string::npos) << run.out;
}

}  // namespace
}  // namespace enroll::test
