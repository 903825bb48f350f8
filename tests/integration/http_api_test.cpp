// enrollmentd's HTTP API through the real stack: a known run (four self-service
// registrations driven to the end, one with a blurry photo, one with the registry busy
// once; two more started and left idle), then every endpoint checked against what Redis and
// the topics hold: status, history, listings with each filter and their cursors, the funnel,
// /metrics; the errors (400, 404, 405, 413); keep-alive; readiness.
#include <set>
#include <thread>

#include "adapters/keys/seal_publisher.hpp"
#include "sim/citizen_driver.hpp"
#include "tests/integration/orchestrator_fixture.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/metrics_text.hpp"
#include "workflows/audit_chain.hpp"
#include "workflows/crypto/base64.hpp"
#include "workflows/crypto/published_seal_key.hpp"
#include "workflows/domain/citizen_id.hpp"
#include "workflows/time.hpp"

namespace enroll::test {
namespace {
using namespace std::chrono_literals;
using nlohmann::json;

// GET /readyz until it answers 200; its body.
json wait_ready(std::uint16_t port, std::chrono::seconds timeout = 60s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  HttpResponse last;
  while (std::chrono::steady_clock::now() < deadline) {
    last = http_get(port, "/readyz");
    if (last.status == 200) return last.json();
    std::this_thread::sleep_for(100ms);
  }
  ADD_FAILURE() << "not ready: " << last.status << " " << last.body;
  return json();
}

std::vector<std::string> ids_of(const json& page) {
  std::vector<std::string> out;
  for (const auto& item : page.at("items")) out.push_back(item.at("id"));
  return out;
}

std::set<std::string> set_of(std::vector<std::string> v) { return {v.begin(), v.end()}; }

class HttpApiTest : public OrchestratorTest {
 protected:
  std::vector<std::string> daemon_flags() override { return {"--stuck-after", "1s"}; }
  json scenario() override {
    return {
        {blurry_, {{"card.front.ocr", {{{"status", "failed"}, {"error", {{"code", "blurry"}}}}}}}},
        {busy_,
         {{"card.verify", {{{"status", "retryable"}, {"error", {{"code", "unavailable"}}}}}}}}};
  }

  // Every page of a listing; checks each page's size and that no id comes twice.
  std::vector<std::string> all_pages(std::uint16_t port, const std::string& query,
                                     std::size_t limit) {
    std::vector<std::string> out;
    std::string cursor;
    for (int pages = 0; pages < 100; ++pages) {
      const auto r = http_get(port,
                              "/v1/registrations?" + query + "&limit=" + std::to_string(limit) +
                                  (cursor.empty() ? "" : "&cursor=" + cursor),
                              reader_token_);
      EXPECT_EQ(r.status, 200) << r.body;
      const auto page = r.json();
      EXPECT_LE(page.at("items").size(), limit);
      for (const auto& id : ids_of(page)) {
        EXPECT_EQ(std::count(out.begin(), out.end(), id), 0) << id << " on two pages";
        out.push_back(id);
      }
      if (page.at("next_cursor").is_null()) return out;
      cursor = page.at("next_cursor");
    }
    ADD_FAILURE() << "no end of the listing";
    return out;
  }

  std::string clean_a_ = unique_name("reg-a");
  std::string blurry_ = unique_name("reg-blurry");
  std::string busy_ = unique_name("reg-busy");
  std::string clean_b_ = unique_name("reg-b");
  std::string idle_a_ = unique_name("reg-idle");
  std::string idle_b_ = unique_name("reg-idle");
};

TEST_F(HttpApiTest, EveryEndpointAgainstAKnownRun) {
  const auto port = http_port();
  EXPECT_EQ(http_get(port, "/healthz").status, 200);
  const auto ready = wait_ready(port);
  EXPECT_EQ(ready.value("status", ""), "ready");
  EXPECT_EQ(ready.value("partitions", json::array()).size(), 12u);

  // The run.
  const std::vector<std::string> driven{clean_a_, blurry_, busy_, clean_b_};
  const std::vector<std::string> idle{idle_a_, idle_b_};
  sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
  sim::CitizenDriver idler(signers(), keys_.seal_public_key(), "/test/idle", "self-service");
  std::map<std::string, std::uint64_t> citizen_of;
  std::uint64_t n = 7100;
  for (const auto& id : driven) {
    citizen_of[id] = ++n;
    const auto start = driver.start(id, n);
    send(start.key, start.value);
  }
  for (const auto& id : idle) {
    citizen_of[id] = ++n;
    const auto start = idler.start(id, n);
    send(start.key, start.value);
  }
  drive(driver, driven, 150s);
  for (const auto& id : driven) ASSERT_EQ(driver.outcome_of(id), sim::Outcome::issued) << id;

  // Wait until enrollmentd has consumed the whole inbox and relayed its outbox.
  EXPECT_EQ(http_get(port, "/metrics").headers.at("content-type"),
            "text/plain; version=0.0.4; charset=utf-8");
  TopicReader inbox(services_.brokers(), topics_.inbox());
  auto metrics = metrics_when_quiet(port, inbox, [](const Metrics& m) {
    return m.contains("enroll_registrations_stuck") && m.at("enroll_registrations_stuck") == 2;
  });

  // /metrics against the run. Due timers (the busy registry's retry) enter the inbox as
  // timer.fire: consumed and committed like any message, counted as timers, not as applied.
  const double consumed = static_cast<double>(inbox.messages().size());
  const auto timer_fires = static_cast<double>(std::count_if(
      inbox.messages().begin(), inbox.messages().end(),
      [](const auto& m) { return json::parse(m.value).value("type", "") == "timer.fire"; }));
  EXPECT_GE(timer_fires, 1);
  EXPECT_EQ(metrics["enroll_events_consumed_total"], consumed);
  EXPECT_EQ(metrics["enroll_events_applied_total"], consumed - timer_fires);
  EXPECT_EQ(metrics["enroll_timers_fired_total"], timer_fires);
  EXPECT_EQ(metrics["enroll_events_rejected_total"], 0);
  EXPECT_EQ(metrics["enroll_events_duplicate_total"], 0);
  EXPECT_EQ(metrics["enroll_events_dead_lettered_total"], 0);
  EXPECT_EQ(metrics["enroll_commit_latency_seconds_count"], consumed);
  EXPECT_EQ(metrics["enroll_commit_latency_seconds_bucket{le=\"+Inf\"}"], consumed);
  EXPECT_GT(metrics["enroll_commit_latency_seconds_sum"], 0);
  EXPECT_EQ(metrics["enroll_partitions_owned"], 12);
  EXPECT_EQ(metrics["enroll_redis_up"], 1);
  EXPECT_EQ(metrics["enroll_outbox_backlog"], 0);
  EXPECT_EQ(metrics["enroll_registrations_stuck"], 2);  // the idle ones, --stuck-after 1s
  EXPECT_EQ(metrics["enroll_step_failures_total{task=\"card.front.ocr\",code=\"blurry\"}"], 1);
  EXPECT_EQ(metrics["enroll_step_failures_total{task=\"card.verify\",code=\"unavailable\"}"], 1);
  EXPECT_EQ(sum_of(metrics, "enroll_step_failures_total"), 2);
  EXPECT_EQ(metrics["enroll_task_retries_total{task=\"card.verify\"}"], 1);
  EXPECT_EQ(sum_of(metrics, "enroll_task_retries_total"), 1);
  bool some_lag = false;
  for (const auto& [series, v] : metrics) {
    if (series.rfind("enroll_consumer_lag{", 0) != 0) continue;
    some_lag = true;
    EXPECT_EQ(v, 0) << series;
  }
  EXPECT_TRUE(some_lag) << "no consumer lag reported";
  // Transitions by phase: the audit trail's records, less rejected commands and late results.
  // (Quiet above: the outbox is empty, so every record is on Kafka.)
  TopicReader audit(services_.brokers(), topics_.audit());
  audit.read_to_end();
  std::map<std::string, double> by_phase;
  std::set<std::string> seen;
  std::map<std::string, std::vector<json>> chains;
  for (const auto& m : audit.messages()) {
    const auto e = json::parse(m.value);
    if (!seen.insert(e.at("id")).second || is_checkpoint_event(e)) continue;
    const auto& d = e.at("data");
    chains[d.at("registration_id")].push_back(d);
    const std::string outcome = d.at("outcome");
    if (outcome == "command_rejected" || outcome.rfind("ignored_late_result", 0) == 0) continue;
    by_phase[d.at("phase")] += 1;
  }
  ASSERT_FALSE(by_phase.empty());
  for (const auto& [phase, count] : by_phase) {
    EXPECT_EQ(metrics["enroll_transitions_total{phase=\"" + phase + "\"}"], count) << phase;
  }
  EXPECT_EQ(sum_of(metrics, "enroll_transitions_total"), [&] {
    double s = 0;
    for (const auto& [p, c] : by_phase) s += c;
    return s;
  }());

  // GET /v1/registrations/{id}: where each stands, no secrets, no plaintext citizen ID.
  for (const auto& id : driven) {
    const auto r = http_get(port, "/v1/registrations/" + id, reader_token_);
    ASSERT_EQ(r.status, 200) << r.body;
    const auto v = r.json();
    const auto stored = stored_state(id).value();
    EXPECT_EQ(v.at("id"), id);
    EXPECT_EQ(v.at("channel"), "self-service");
    EXPECT_EQ(v.at("status"), "issued");
    EXPECT_EQ(v.at("phase"), "issued");
    EXPECT_EQ(v.at("state_version"), stored.at("state_version"));
    EXPECT_EQ(v.at("audit_records"), stored.at("audit_seq"));
    EXPECT_EQ(v.at("created_at"), to_rfc3339(from_millis(stored.at("created_at"))));
    EXPECT_EQ(v.at("updated_at"), to_rfc3339(from_millis(stored.at("updated_at"))));
    const std::string digits = sim::citizen(citizen_of[id]).citizen_id;
    EXPECT_EQ(r.body.find(digits), std::string::npos) << "plaintext citizen ID in " << r.body;
    EXPECT_EQ(v.at("citizen_id"), std::get<CitizenId>(CitizenId::parse(digits)).masked());
    EXPECT_EQ(r.body.find("argon2"), std::string::npos);
    EXPECT_EQ(r.body.find("passcode_verifier"), std::string::npos);
    EXPECT_EQ(
        r.body.find(stored.at("captured").at("card_back").at("laser_code").get<std::string>()),
        std::string::npos);
  }
  for (const auto& id : idle) {
    const auto v = http_get(port, "/v1/registrations/" + id, reader_token_).json();
    EXPECT_EQ(v.at("status"), "active");
    EXPECT_EQ(v.at("phase"), "consent");
    EXPECT_EQ(v.at("step"), "accept-terms");
    EXPECT_EQ(v.at("stage"), "awaiting_input");
  }
  auto r = http_get(port, "/v1/registrations/reg-never-started", reader_token_);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.error_code(), "registration_not_found");
  r = http_get(port, "/v1/registrations/bad%20id", reader_token_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_code(), "bad_id");
  r = http_get(port, "/v1/registrations/" + busy_ + "?verbose=1", reader_token_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_code(), "bad_request");

  // GET .../history: the records of a registration in flight, in their compact form (what
  // enroll.audit carries less the hashes and inputs), paged; an issued registration's
  // history is not kept (issue 16): total 0, every record dropped (on enroll.audit only).
  {
    const auto h =
        http_get(port, "/v1/registrations/" + busy_ + "/history?limit=1000", reader_token_);
    ASSERT_EQ(h.status, 200) << h.body;
    const auto body = h.json();
    const auto stored = stored_state(busy_).value();
    EXPECT_EQ(body.at("registration_id"), busy_);
    EXPECT_EQ(body.at("total"), 0);
    EXPECT_EQ(body.at("dropped"), stored.at("audit_seq"));
    EXPECT_EQ(body.at("dropped"), chains[busy_].size());
    EXPECT_TRUE(body.at("records").empty());
    EXPECT_TRUE(body.at("next_cursor").is_null());
  }
  {
    const auto h =
        http_get(port, "/v1/registrations/" + idle_a_ + "/history?limit=1000", reader_token_);
    ASSERT_EQ(h.status, 200) << h.body;
    const auto body = h.json();
    EXPECT_EQ(body.at("total"), stored_state(idle_a_).value().at("audit_seq"));
    EXPECT_EQ(body.at("dropped"), 0);
    const auto& records = body.at("records");
    ASSERT_EQ(records.size(), chains[idle_a_].size());
    ASSERT_FALSE(records.empty());
    for (std::size_t i = 0; i < records.size(); ++i) {
      const auto& whole = chains[idle_a_][i];
      json actor{{"role", whole.at("actor").at("role")},
                 {"principal", whole.at("actor").at("principal")}};
      for (const auto* who : {"officer", "operator"}) {
        if (whole.at("actor").contains(who)) actor[who] = whole.at("actor").at(who);
      }
      EXPECT_EQ(records[i], (json{{"seq", whole.at("seq")},
                                  {"at", whole.at("at")},
                                  {"actor", actor},
                                  {"cause", whole.at("cause")},
                                  {"from", whole.at("from")},
                                  {"to", whole.at("to")},
                                  {"phase", whole.at("phase")},
                                  {"step", whole.at("step")},
                                  {"outcome", whole.at("outcome")}}))
          << "record " << i;
    }
    // Paged by one: the same records.
    json paged = json::array();
    std::string cursor;
    for (int pages = 0; pages < 100; ++pages) {
      const auto p = http_get(port,
                              "/v1/registrations/" + idle_a_ + "/history?limit=1" +
                                  (cursor.empty() ? "" : "&cursor=" + cursor),
                              reader_token_)
                         .json();
      EXPECT_LE(p.at("records").size(), 1u);
      for (const auto& rec : p.at("records")) paged.push_back(rec);
      if (p.at("next_cursor").is_null()) break;
      cursor = p.at("next_cursor");
    }
    EXPECT_EQ(paged, records);
  }
  // The busy registration's retry is on its trail (enroll.audit).
  EXPECT_TRUE(std::any_of(chains[busy_].begin(), chains[busy_].end(), [](const json& rec) {
    return rec.at("outcome") == "retry_scheduled:unavailable";
  }));
  r = http_get(port, "/v1/registrations/reg-never-started/history", reader_token_);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.error_code(), "registration_not_found");
  r = http_get(port, "/v1/registrations/" + busy_ + "/history?cursor=bm9wZQ", reader_token_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_code(), "bad_cursor");
  r = http_get(port, "/v1/registrations/" + busy_ + "/history?limit=0", reader_token_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_code(), "bad_limit");

  // Listings: each filter, the cursor, the order.
  const auto issued = set_of(driven);
  const auto idle_set = set_of(idle);
  auto page = http_get(port, "/v1/registrations?status=issued", reader_token_).json();
  EXPECT_EQ(set_of(ids_of(page)), issued);
  EXPECT_TRUE(page.at("next_cursor").is_null());
  std::string last;
  for (const auto& item : page.at("items")) {
    EXPECT_EQ(item.at("channel"), "self-service");
    EXPECT_EQ(item.at("status"), "issued");
    EXPECT_EQ(item.at("phase"), "issued");
    EXPECT_LE(last, item.at("updated_at").get<std::string>()) << "not by last change";
    last = item.at("updated_at");
  }
  EXPECT_EQ(set_of(all_pages(port, "status=issued", 1)), issued);
  EXPECT_EQ(all_pages(port, "status=issued", 1), ids_of(page)) << "pages change the order";
  EXPECT_EQ(all_pages(port, "channel=self-service", 4).size(), 6u);
  EXPECT_EQ(all_pages(port, "", 5).size(), 6u);
  EXPECT_EQ(set_of(all_pages(port, "phase=consent", 10)), idle_set);
  EXPECT_EQ(set_of(all_pages(port, "phase=issued&channel=self-service", 10)), issued);
  EXPECT_EQ(set_of(all_pages(port, "stuck_for=1s", 10)), idle_set);  // active implied
  EXPECT_TRUE(all_pages(port, "stuck_for=1h", 10).empty());
  EXPECT_TRUE(all_pages(port, "status=active&phase=issued", 10).empty());
  EXPECT_TRUE(all_pages(port, "channel=kiosk", 10).empty());
  EXPECT_EQ(set_of(all_pages(port, "phase=&status=active&channel=&cursor=", 10)), idle_set);
  for (const auto& [query, code] : std::vector<std::pair<std::string, std::string>>{
           {"phase=nope", "bad_filter"},
           {"status=done", "bad_filter"},
           {"channel=carrier-pigeon", "bad_filter"},
           {"stuck_for=soon", "bad_duration"},
           {"stuck_for=-5m", "bad_duration"},
           {"cursor=abc", "bad_cursor"},
           {"cursor=" + std::string("aDE6Mw"), "bad_cursor"},  // a history cursor
           {"limit=0", "bad_limit"},
           {"limit=5000", "bad_limit"},
           {"limit=ten", "bad_limit"},
           {"sort=desc", "bad_request"},
           {"phase=card&phase=pin", "bad_request"}}) {
    r = http_get(port, "/v1/registrations?" + query, reader_token_);
    EXPECT_EQ(r.status, 400) << query;
    EXPECT_EQ(r.error_code(), code) << query << ": " << r.body;
    EXPECT_FALSE(r.json().at("error").at("message").get<std::string>().empty());
  }

  // The funnel.
  r = http_get(port, "/v1/stats/funnel", reader_token_);
  ASSERT_EQ(r.status, 200);
  const auto funnel = r.json().at("channels");
  const auto& self = funnel.at("self-service");
  EXPECT_EQ(self.at("registrations"), 6);
  EXPECT_EQ(self.at("status").at("issued"), 4);
  EXPECT_EQ(self.at("status").at("active"), 2);
  EXPECT_EQ(self.at("status").at("rejected"), 0);
  EXPECT_EQ(self.at("reached").at("consent"), 6);
  for (const char* phase : {"card", "review", "biometrics", "pin", "consent-confirm", "issued"}) {
    EXPECT_EQ(self.at("reached").at(phase), 4) << phase;
  }
  EXPECT_EQ(self.at("active_by_phase").at("consent"), 2);
  EXPECT_EQ(self.at("active_by_phase").at("card"), 0);
  for (const char* other : {"kiosk", "officer-assisted", "passcode-reset"}) {
    EXPECT_EQ(funnel.at(other).at("registrations"), 0) << other;
  }

  // The passcode sealing key, signed: a channel back-end holding only the seal_publisher's
  // .pub (given out of band) verifies it before sealing; the same body with a key swapped on
  // the path is refused.
  r = http_get(port, "/v1/keys/passcode");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json().at("public_key"), crypto::to_base64(keys_.seal_public_key().bytes));
  const auto back_end = work_ / "back-end-keys";
  std::filesystem::create_directories(back_end / kSealPublisher);
  std::filesystem::permissions(back_end, std::filesystem::perms::owner_all);
  std::filesystem::permissions(back_end / kSealPublisher, std::filesystem::perms::owner_all);
  std::filesystem::copy_file(work_ / "keys" / kSealPublisher / "seal_publisher-1.pub",
                             back_end / kSealPublisher / "seal_publisher-1.pub");
  const auto trusted = load_seal_publisher_public_keys(back_end);
  EXPECT_EQ(crypto::verify_published_seal_key(r.json(), trusted).bytes,
            keys_.seal_public_key().bytes);
  auto swapped = r.json();
  swapped["public_key"] = crypto::to_base64(crypto::generate_seal_keypair().pub.bytes);
  EXPECT_THROW(crypto::verify_published_seal_key(swapped, trusted), Error);
}

TEST_F(HttpApiTest, AnswersOnlyItsOwnHostNames) {
  // DNS rebinding: a page of another site whose name resolves to this server.
  HttpConnection c(http_port());
  for (const char* own : {"127.0.0.1", "localhost:8080", "[::1]:80"}) {
    EXPECT_EQ(c.request("GET", "/healthz", {{"Host", own}}).status, 200) << own;
  }
  const auto r = c.request("GET", "/v1/stats/funnel", {{"Host", "rebound.evil.example:8080"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_code(), "bad_request");
  EXPECT_NE(r.body.find("Host"), std::string::npos) << r.body;
}

TEST_F(HttpApiTest, SpeaksHttpProperly) {
  const auto port = http_port();
  // Keep-alive: several requests on one connection, errors included.
  HttpConnection c(port);
  auto r = c.request("GET", "/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json().at("status"), "ok");
  EXPECT_EQ(r.headers.at("content-type"), "application/json");
  r = c.request("GET", "/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.error_code(), "not_found");
  r = c.request("POST", "/v1/registrations");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.error_code(), "method_not_allowed");
  EXPECT_EQ(r.headers.at("allow"), "GET, HEAD");
  r = c.request("DELETE", "/healthz");
  EXPECT_EQ(r.status, 405);
  // HEAD of a GET route: the GET's status and headers, Content-Length included, and no body,
  // so the next answer on the connection is intact.
  const auto full = c.request("GET", "/healthz");
  r = c.request("HEAD", "/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(r.headers.at("content-length"), std::to_string(full.body.size()));
  EXPECT_EQ(r.headers.at("content-type"), "application/json");
  const std::map<std::string, std::string> reader{{"Authorization", "Bearer " + reader_token_}};
  r = c.request("HEAD", "/v1/registrations/nobody-here", reader);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, "");
  r = c.request("GET", "/v1/registrations/%zz");
  EXPECT_EQ(r.status, 400);
  r = c.request("GET", "/v1/registrations/nobody-here", reader);
  EXPECT_EQ(r.status, 404);
  r = c.request("GET", "/healthz");
  EXPECT_EQ(r.status, 200);

  // HTTP/1.0 without keep-alive: answered, then closed.
  HttpConnection old(port);
  old.send_raw("GET /healthz HTTP/1.0\r\n\r\n");
  EXPECT_EQ(old.read_response().status, 200);
  EXPECT_TRUE(old.closed_by_server());

  // Not HTTP: 400, closed.
  HttpConnection junk(port);
  junk.send_raw("HELLO THERE\r\n\r\n");
  r = junk.read_response();
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.error_code(), "bad_request");
  EXPECT_TRUE(junk.closed_by_server());

  // A body over the limit (64 KiB): 413, closed.
  HttpConnection big(port);
  big.send_raw("POST /v1/registrations HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" +
               std::string(1000, 'x'));
  r = big.read_response();
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.error_code(), "payload_too_large");
  EXPECT_TRUE(big.closed_by_server());

  // A head over the limit (8 KiB): 431.
  HttpConnection head(port);
  r = head.request("GET", "/healthz", {{"X-Padding", std::string(10000, 'p')}});
  EXPECT_EQ(r.status, 431);

  // A second instance on the same address: refused at start-up with a one-line reason.
  auto options = *daemon_options_;
  for (auto& arg : options.argv) {
    if (arg == "127.0.0.1:0") arg = "127.0.0.1:" + std::to_string(port);
    if (arg == (work_ / "http.port").string()) arg = (work_ / "taken.port").string();
  }
  options.log_file = work_ / "taken.log";
  ChildProcess taken(options);
  EXPECT_EQ(taken.wait_exit(60s), 1) << taken.log();
  EXPECT_NE(taken.log().find("enrollmentd: http 127.0.0.1:" + std::to_string(port) + ": "),
            std::string::npos)
      << taken.log();
}

// One inbox partition and two instances: only the one that owns it is ready; when it stops,
// the other takes the partition over and turns ready.
class ReadinessTest : public OrchestratorTest {
 protected:
  int partitions() override { return 1; }
};

TEST_F(ReadinessTest, ReadyOnlyWithPartitionsAndTurnsReadyOnTakeOver) {
  const auto port_a = http_port();
  wait_ready(port_a);
  auto options = *daemon_options_;
  for (auto& arg : options.argv) {
    if (arg == (work_ / "http.port").string()) arg = (work_ / "b.port").string();
    if (arg == "it") arg = "it-b";  // --instance
  }
  options.log_file = work_ / "enrollmentd-b.log";
  auto second = std::make_unique<ChildProcess>(options);
  const auto port_b = http_port(work_ / "b.port");
  EXPECT_EQ(http_get(port_b, "/healthz").status, 200);

  // After the rebalance, exactly one owns the partition.
  std::uint16_t owner = 0, idle = 0;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  int stable = 0;
  while (std::chrono::steady_clock::now() < deadline && stable < 10) {
    const auto a = http_get(port_a, "/readyz");
    const auto b = http_get(port_b, "/readyz");
    if (a.status + b.status == 200 + 503) {
      owner = a.status == 200 ? port_a : port_b;
      idle = a.status == 200 ? port_b : port_a;
      const auto& waiting = a.status == 200 ? b : a;
      EXPECT_EQ(waiting.error_code(), "not_ready") << waiting.body;
      ++stable;
    } else {
      stable = 0;
    }
    std::this_thread::sleep_for(200ms);
  }
  ASSERT_EQ(stable, 10) << "never one ready and one not";
  const auto metrics_of_idle = http_get(idle, "/metrics").body;
  EXPECT_NE(metrics_of_idle.find("\nenroll_partitions_owned 0\n"), std::string::npos);

  // The owner stops; the other turns ready with the partition.
  if (owner == port_a) {
    EXPECT_EQ(daemon_->stop(), 0);
  } else {
    EXPECT_EQ(second->stop(), 0);
  }
  const auto body = wait_ready(idle);
  EXPECT_EQ(body.value("partitions", json::array()), json::array({0}));
  if (HasFailure()) std::cerr << "--- second instance ---\n" << second->log() << "\n";
}

}  // namespace
}  // namespace enroll::test
