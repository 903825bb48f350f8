// The dashboard (GET /) in a real browser: a known run (self-service registrations: issued,
// one after a blurry photo, one after a busy registry, one rejected for a revoked card; two
// left idle, hence stuck), then headless Chromium loads each view of the page, signs in with
// the demo reader's token (the /v1 reads need one), lets its script refresh a few times, and the
// figures in its DOM are compared with the API: the journey graph with /v1/stats/journey, the
// charts with /v1/stats/activity, the funnel with /v1/stats/funnel, the tables with /metrics and
// the stuck and incident listings, a registration's timeline with its history. A screenshot of each
// view is kept in the build tree's test-output/ folder. Chromium is required (ops/setup installs
// it): without it the test fails.
#include <fstream>
#include <iostream>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "sim/citizen_driver.hpp"
#include "tests/integration/orchestrator_fixture.hpp"
#include "tests/support/devtools_page.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/metrics_text.hpp"

namespace enroll::test {
namespace {
using namespace std::chrono_literals;
using nlohmann::json;
namespace fs = std::filesystem;

std::string file_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// An element of the dumped DOM that has data-* attributes: its attributes and the text
// right after its start tag (a table cell's figure).
struct Element {
  std::map<std::string, std::string> attrs;
  std::string text;
};

std::string unescape_html(std::string s) {
  for (const auto& [entity, c] : std::vector<std::pair<std::string, std::string>>{
           {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&nbsp;", "\u00a0"}, {"&amp;", "&"}}) {
    for (auto at = s.find(entity); at != std::string::npos; at = s.find(entity, at + 1)) {
      s.replace(at, entity.size(), c);
    }
  }
  return s;
}

// Chromium serialises attributes as name="value" (or a bare name), text escaped.
std::vector<Element> data_elements(const std::string& dom) {
  static const std::regex tag(
      R"(<[a-zA-Z][a-zA-Z0-9]*((?:\s+[^\s=>/]+(?:="[^"]*")?)*)\s*/?>([^<]*))");
  static const std::regex attr(R"re(([^\s=]+)(?:="([^"]*)")?)re");
  std::vector<Element> out;
  for (auto it = std::sregex_iterator(dom.begin(), dom.end(), tag); it != std::sregex_iterator();
       ++it) {
    const std::string attrs = (*it)[1];
    if (attrs.find("data-") == std::string::npos) continue;
    Element e;
    for (auto a = std::sregex_iterator(attrs.begin(), attrs.end(), attr);
         a != std::sregex_iterator(); ++a) {
      e.attrs[(*a)[1]] = unescape_html((*a)[2]);
    }
    e.text = unescape_html((*it)[2]);
    out.push_back(std::move(e));
  }
  return out;
}

// The elements that have all of `want` (a value "" matches any value).
std::vector<Element> matching(const std::vector<Element>& elements,
                              const std::map<std::string, std::string>& want) {
  std::vector<Element> out;
  for (const auto& e : elements) {
    const bool all = std::all_of(want.begin(), want.end(), [&e](const auto& w) {
      const auto it = e.attrs.find(w.first);
      return it != e.attrs.end() && (w.second.empty() || it->second == w.second);
    });
    if (all) out.push_back(e);
  }
  return out;
}

// The text of the one element that has all of `want`; "" and a failure if not exactly one.
std::string text_of(const std::vector<Element>& elements,
                    const std::map<std::string, std::string>& want) {
  const auto found = matching(elements, want);
  if (found.size() == 1) return found[0].text;
  std::ostringstream which;
  for (const auto& [k, v] : want) which << " " << k << "=\"" << v << "\"";
  ADD_FAILURE() << found.size() << " elements with" << which.str();
  return {};
}

// Signs in on the page's form with `token` (a reader's, or an operator's).
void sign_in(DevToolsPage& page, const std::string& token) {
  ASSERT_TRUE(
      // The script sets data-signed-in once it has run (the page may still be loading).
      page.wait_for("document.body !== null && document.body.dataset.signedIn === 'false' && "
                    "!document.getElementById('sign-in').hidden",
                    30s))
      << "no sign-in form";
  page.evaluate("document.getElementById('sign-in-token').value = '" + token + "'");
  page.evaluate("document.getElementById('sign-in-form').requestSubmit()");
}

// Loads `url` in headless Chromium (over the DevTools protocol: the page must be signed in to),
// signs in with `token`, waits until `ready` holds in the page (its script has read the API),
// saves a screenshot of the window to `screenshot` and returns the DOM as the script left it.
// Chromium's profile and its output go to `scratch`; the profile is removed after.
std::string load_in_chromium(const std::string& url, const fs::path& screenshot,
                             const fs::path& scratch, const std::string& token,
                             const std::string& ready, const std::string& window = "1280,1600") {
  std::unique_ptr<DevToolsPage> page;
  try {
    page = std::make_unique<DevToolsPage>(url, scratch, window);
  } catch (const std::runtime_error& e) {
    ADD_FAILURE() << e.what()
                  << "\nThe dashboard test needs Chromium on PATH: run ops/setup (Debian package "
                     "chromium).";
    return {};
  }
  sign_in(*page, token);
  EXPECT_TRUE(page->wait_for(ready, 60s)) << "never: " << ready << "\n" << page->dom();
  page->screenshot(screenshot);
  return page->dom();
}

// The page has read the API (`times` refreshes) and rendered it.
std::string loaded(int times = 1) {
  return "document.body.dataset.loaded === 'true' && Number(document.body.dataset.refreshed) >= " +
         std::to_string(times);
}

// Citizens 8201-8205 are driven: clean, blurry photo once, registry busy once, revoked
// card, registry busy past the retries (an incident); 8206 and 8207 stay idle.
class DashboardTest : public OrchestratorTest {
 protected:
  static constexpr std::uint64_t kFirstCitizen = 8201;
  std::vector<std::string> daemon_flags() override { return {"--stuck-after", "1s"}; }
  static json busy() { return {{"status", "retryable"}, {"error", {{"code", "unavailable"}}}}; }
  json scenario() override {
    const auto citizen = [](std::uint64_t n) { return sim::citizen(kFirstCitizen + n).citizen_id; };
    return {
        {citizen(1),
         {{"card.front.ocr", {{{"status", "failed"}, {"error", {{"code", "blurry"}}}}}}}},
        {citizen(2),
         {{"card.verify", {{{"status", "retryable"}, {"error", {{"code", "unavailable"}}}}}}}},
        {citizen(3), {{"card.verify", {{{"outputs", {{"code", 0}, {"card_status", "revoked"}}}}}}}},
        {citizen(4), {{"card.verify", json::array({busy(), busy(), busy(), busy(), busy()})}}}};
  }
};

TEST_F(DashboardTest, ServesThePageAndItsFilesFromMemory) {
  const auto port = http_port();
  struct Asset {
    std::string target, source, content_type;
  };
  for (const auto& a :
       std::vector<Asset>{{"/", "dashboard.html", "text/html; charset=utf-8"},
                          {"/dashboard.js", "dashboard.js", "text/javascript; charset=utf-8"},
                          {"/dashboard.css", "dashboard.css", "text/css; charset=utf-8"}}) {
    const auto r = http_get(port, a.target);
    ASSERT_EQ(r.status, 200) << a.target << ": " << r.body;
    EXPECT_EQ(r.headers.at("content-type"), a.content_type) << a.target;
    EXPECT_EQ(r.headers.at("cache-control"), "no-cache") << a.target;
    EXPECT_EQ(r.headers.at("content-security-policy"), "default-src 'self'") << a.target;
    // The file as it is in the source tree; the page with the stuck-after setting filled in.
    auto source = file_text(fs::path(ENROLL_DASHBOARD_DIR) / a.source);
    ASSERT_FALSE(source.empty()) << a.source;
    if (a.target == "/") {
      const std::string slot = "{{stuck_after}}";
      source.replace(source.find(slot), slot.size(), "1000ms");
    }
    EXPECT_EQ(r.body, source) << a.target;
  }
  const auto page = http_get(port, "/").body;
  EXPECT_NE(page.find(R"(<script src="/dashboard.js")"), std::string::npos);
  EXPECT_NE(page.find(R"(<link rel="stylesheet" href="/dashboard.css">)"), std::string::npos);
  HttpConnection c(port);
  const auto post = c.request("POST", "/");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.headers.at("allow"), "GET, HEAD");
}

// The dashboard's pictures before anything ran: every step and edge at 0, 60 quiet minutes;
// and what they refuse.
TEST_F(DashboardTest, JourneyAndActivityOfAQuietServerAndWhatTheyRefuse) {
  const auto port = http_port();
  for (const std::string channel :
       {"self-service", "kiosk", "officer-assisted", "passcode-reset"}) {
    const auto r = http_get(port, "/v1/stats/journey?channel=" + channel, reader_token_);
    ASSERT_EQ(r.status, 200) << r.body;
    const auto j = r.json();
    EXPECT_EQ(j.at("channel"), channel);
    EXPECT_FALSE(j.at("since").get<std::string>().empty());
    ASSERT_FALSE(j.at("nodes").empty());
    EXPECT_EQ(j.at("nodes").at(0).at("kind"), "step");
    for (const auto& e : j.at("edges")) EXPECT_EQ(e.at("last_hour"), 0) << e;
    EXPECT_TRUE(j.at("elsewhere").at("moves").empty());
  }
  const auto activity = http_get(port, "/v1/stats/activity", reader_token_).json();
  ASSERT_EQ(activity.at("minutes").size(), 60u);
  for (const auto& m : activity.at("minutes")) EXPECT_EQ(m.at("applied"), 0) << m;
  EXPECT_EQ(activity.at("minutes").at(0).at("at"), activity.at("since"));
  for (const auto& [target, code] : std::vector<std::pair<std::string, std::string>>{
           {"/v1/stats/journey", "bad_filter"},
           {"/v1/stats/journey?channel=", "bad_filter"},
           {"/v1/stats/journey?channel=carrier-pigeon", "bad_filter"},
           {"/v1/stats/journey?channel=kiosk&since=1h", "bad_request"},
           {"/v1/stats/activity?minutes=5", "bad_request"}}) {
    const auto r = http_get(port, target, reader_token_);
    EXPECT_EQ(r.status, 400) << target;
    EXPECT_EQ(r.error_code(), code) << target << ": " << r.body;
  }
}

TEST_F(DashboardTest, ShowsTheFiguresOfTheApiInABrowser) {
  const auto port = http_port();
  sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
  sim::CitizenDriver idler(signers(), keys_.seal_public_key(), "/test/idle", "self-service");
  const auto driven = start_self_service(driver, 5, kFirstCitizen, "dash");
  const auto idle_ids = start_self_service(idler, 2, kFirstCitizen + 5, "dash-idle");
  const std::set<std::string> idle(idle_ids.begin(), idle_ids.end());
  drive(driver, driven, 150s, true);  // the incident waits for an operator
  for (std::size_t i = 0; i < 3; ++i) {
    ASSERT_EQ(driver.outcome_of(driven[i]), sim::Outcome::issued) << driven[i];
  }
  ASSERT_EQ(driver.outcome_of(driven[3]), sim::Outcome::rejected) << driven[3];
  ASSERT_EQ(driver.outcome_of(driven[4]), sim::Outcome::incident) << driven[4];

  // Quiet, so that the page and the checks below see the same figures.
  TopicReader inbox(services_.brokers(), topics_.inbox());
  const auto metrics = metrics_when_quiet(port, inbox, [](const Metrics& m) {
    return m.contains("enroll_registrations_stuck") && m.at("enroll_registrations_stuck") == 2;
  });
  ASSERT_EQ(metrics.at("enroll_registrations_stuck"), 2);
  const auto funnel = http_get(port, "/v1/stats/funnel", reader_token_).json().at("channels");
  const auto stuck =
      http_get(port, "/v1/registrations?stuck_for=1s&limit=20", reader_token_).json();

  const fs::path out_dir = ENROLL_TEST_OUTPUT_DIR;
  fs::create_directories(out_dir);
  const auto screenshot = out_dir / "dashboard.png";
  fs::remove(screenshot);
  const auto dom = load_in_chromium("http://127.0.0.1:" + std::to_string(port) + "/", screenshot,
                                    work_, reader_token_, loaded(2));
  if (fs::exists(screenshot)) std::cout << "dashboard screenshot: " << screenshot.string() << "\n";
  ASSERT_FALSE(dom.empty());
  const auto elements = data_elements(dom);

  // Loaded, refreshed more than once (a rate needs two reads), no error shown.
  const auto body = matching(elements, {{"data-loaded", ""}});
  ASSERT_EQ(body.size(), 1u) << dom;
  EXPECT_EQ(body[0].attrs.at("data-loaded"), "true") << dom;
  EXPECT_GE(std::stoi(body[0].attrs.at("data-refreshed")), 2);
  EXPECT_EQ(body[0].attrs.at("data-stuck-after"), "1000ms");
  EXPECT_NE(dom.find(R"(<div id="error" class="error" role="alert" hidden="">)"), std::string::npos)
      << "the error banner shows";
  EXPECT_FALSE(text_of(elements, {{"data-updated", ""}}).empty());

  // The funnel: every channel, every phase reached, every status, the totals.
  std::size_t phases = 0;
  std::size_t statuses = 0;
  for (const auto& [channel, c] : funnel.items()) {
    for (const auto& [phase, count] : c.at("reached").items()) {
      ++phases;
      EXPECT_EQ(text_of(elements, {{"data-channel", channel}, {"data-phase", phase}}), count.dump())
          << channel << " " << phase;
    }
    for (const auto& [status, count] : c.at("status").items()) {
      ++statuses;
      EXPECT_EQ(text_of(elements, {{"data-channel", channel}, {"data-status", status}}),
                count.dump())
          << channel << " " << status;
    }
    EXPECT_EQ(text_of(elements, {{"data-channel", channel}, {"data-registrations", ""}}),
              c.at("registrations").dump())
        << channel;
  }
  EXPECT_EQ(matching(elements, {{"data-phase", ""}}).size(), phases);
  EXPECT_EQ(matching(elements, {{"data-status", ""}}).size(), statuses);
  // The run as the funnel counts it (so the comparison above is not of zeros).
  EXPECT_EQ(text_of(elements, {{"data-channel", "self-service"}, {"data-status", "issued"}}), "3");
  EXPECT_EQ(text_of(elements, {{"data-channel", "self-service"}, {"data-status", "rejected"}}),
            "1");
  EXPECT_EQ(text_of(elements, {{"data-channel", "self-service"}, {"data-status", "incident"}}),
            "1");
  EXPECT_EQ(text_of(elements, {{"data-channel", "self-service"}, {"data-phase", "consent"}}), "7");

  // Failures by task and code: each series of /metrics, and only those.
  const std::regex series(R"re(enroll_step_failures_total\{task="([^"]*)",code="([^"]*)"\})re");
  std::size_t failures = 0;
  for (const auto& [name, value] : metrics) {
    std::smatch m;
    if (!std::regex_match(name, m, series) || value == 0) continue;
    ++failures;
    EXPECT_EQ(std::stod(text_of(elements, {{"data-task", m[1]}, {"data-code", m[2]}})), value)
        << name;
  }
  EXPECT_EQ(matching(elements, {{"data-task", ""}}).size(), failures);
  EXPECT_EQ(text_of(elements, {{"data-task", "card.front.ocr"}, {"data-code", "blurry"}}), "1");
  EXPECT_EQ(text_of(elements, {{"data-task", "card.verify"}, {"data-code", "unavailable"}}), "6");

  // Stuck: the gauge, and the listing's registrations (the idle ones).
  EXPECT_EQ(text_of(elements, {{"data-metric", "enroll_registrations_stuck"}}), "2");
  std::set<std::string> listed;
  for (const auto& item : stuck.at("items")) {
    const std::string id = item.at("id");
    listed.insert(id);
    EXPECT_EQ(matching(elements, {{"data-registration", id}}).size(), 1u) << id;
  }
  EXPECT_EQ(listed, idle);
  const auto rows = matching(elements, {{"data-field", "id"}});
  EXPECT_EQ(rows.size(), listed.size());
  for (const auto& row : rows) EXPECT_TRUE(listed.contains(row.text)) << row.text;
  EXPECT_EQ(matching(elements, {{"data-field", "channel"}}).size(), 2u);
  for (const auto& cell : matching(elements, {{"data-field", "channel"}})) {
    EXPECT_EQ(cell.text, "self-service");
  }
  for (const auto& cell : matching(elements, {{"data-field", "phase"}})) {
    EXPECT_EQ(cell.text, "consent");
  }

  // Throughput: the totals of /metrics; quiet, so nothing applied per second.
  for (const char* name : {"enroll_events_applied_total", "enroll_events_consumed_total",
                           "enroll_events_rejected_total", "enroll_events_dead_lettered_total",
                           "enroll_timers_fired_total"}) {
    EXPECT_EQ(std::stod(text_of(elements, {{"data-metric", name}})), metrics.at(name)) << name;
  }
  EXPECT_GT(metrics.at("enroll_events_applied_total"), 0);
  EXPECT_EQ(text_of(elements, {{"data-metric", "applied_per_second"}}), "0.0");

  // Registration ids, never citizen IDs.
  for (std::uint64_t c = kFirstCitizen; c < kFirstCitizen + 6; ++c) {
    EXPECT_EQ(dom.find(sim::citizen(c).citizen_id), std::string::npos) << "citizen " << c;
  }

  // The journey graph of the default channel: each step's waiting and incidents, each edge's
  // moves of the last hour (every way forward labelled; other edges when taken), as the API
  // counts them.
  EXPECT_EQ(body[0].attrs.at("data-view"), "journey");
  const auto journey =
      http_get(port, "/v1/stats/journey?channel=self-service", reader_token_).json();
  ASSERT_EQ(matching(elements, {{"data-journey", "self-service"}}).size(), 1u) << dom;
  const auto& nodes = journey.at("nodes");
  std::size_t steps = 0;
  for (const auto& n : nodes) {
    if (n.at("kind") != "step") continue;
    ++steps;
    const std::string name = n.at("name");
    const auto& counts = n.at("registrations");
    EXPECT_EQ(text_of(elements, {{"data-step", name}, {"data-step-status", "active"}}),
              counts.at("active").dump())
        << name;
    EXPECT_EQ(text_of(elements, {{"data-step", name}, {"data-step-status", "incident"}}),
              counts.value("incident", json(0)).dump())
        << name;
  }
  EXPECT_EQ(matching(elements, {{"data-step-status", "active"}}).size(), steps);
  std::size_t labelled = 0;
  std::map<std::string, std::int64_t> moves;  // "from>to kind" -> last hour
  for (const auto& e : journey.at("edges")) {
    const std::string from = nodes.at(e.at("from").get<std::size_t>()).at("name");
    const std::string to = nodes.at(e.at("to").get<std::size_t>()).at("name");
    const std::string kind = e.at("kind");
    const std::int64_t n = e.at("last_hour");
    moves[from + ">" + to + " " + kind] = n;
    if (from == to || (kind != "done" && n == 0)) continue;
    ++labelled;
    EXPECT_EQ(text_of(elements,
                      {{"data-edge-from", from}, {"data-edge-to", to}, {"data-edge-kind", kind}}),
              std::to_string(n))
        << from << " -> " << to << " " << kind;
  }
  EXPECT_EQ(matching(elements, {{"data-edge-from", ""}}).size(), labelled);
  // The run as the graph counts it (so the comparison above is not of zeros).
  EXPECT_EQ(text_of(elements, {{"data-step", "accept-terms"}, {"data-step-status", "active"}}),
            "2");
  EXPECT_EQ(moves["accept-terms>card-front done"], 5);
  EXPECT_EQ(moves["verify-card>rejected rejected"], 1);
  EXPECT_EQ(moves["verify-card>incident incident"], 1);
  EXPECT_EQ(text_of(elements, {{"data-step", "verify-card"}, {"data-step-status", "incident"}}),
            "1");
  EXPECT_EQ(moves["issue>issued done"], 3);

  // The funnel as bars: one per channel and phase, labelled with its count.
  for (const auto& [channel, c] : funnel.items()) {
    for (const auto& [phase, count] : c.at("reached").items()) {
      EXPECT_EQ(text_of(elements, {{"data-bar-channel", channel}, {"data-bar-phase", phase}}),
                count.dump())
          << channel << " " << phase;
    }
  }

  // The last hour's charts: a point per minute, the totals of /v1/stats/activity, which
  // counts what /metrics counts (one instance, started for this test).
  const auto minutes = http_get(port, "/v1/stats/activity", reader_token_).json().at("minutes");
  ASSERT_EQ(minutes.size(), 60u);
  std::int64_t applied = 0;
  std::int64_t failed = 0;
  for (const auto& m : minutes) {
    applied += m.at("applied").get<std::int64_t>();
    failed += m.at("failed").get<std::int64_t>();
  }
  EXPECT_EQ(static_cast<double>(applied), metrics.at("enroll_events_applied_total"));
  EXPECT_EQ(failed, 7);  // the blurry photo, the busy registry once and five times
  for (const auto& [name, sum] : {std::pair{"applied", applied}, std::pair{"failed", failed}}) {
    const auto chart = matching(elements, {{"data-chart", name}});
    ASSERT_EQ(chart.size(), 1u) << name;
    EXPECT_EQ(chart[0].attrs.at("data-total"), std::to_string(sum)) << name;
    EXPECT_EQ(chart[0].attrs.at("data-points"), "60") << name;
  }
  EXPECT_EQ(text_of(elements, {{"data-hour-task", "card.front.ocr"}}), "1");
  EXPECT_EQ(text_of(elements, {{"data-hour-task", "card.verify"}}), "6");

  // Incidents: the one of this run, listed with a retry for the operator.
  const auto incidents =
      http_get(port, "/v1/registrations?status=incident&limit=20", reader_token_);
  ASSERT_EQ(incidents.status, 200) << incidents.body;
  ASSERT_EQ(incidents.json().at("items").size(), 1u) << incidents.body;
  EXPECT_EQ(incidents.json().at("items").at(0).at("id"), driven[4]);
  const auto incident_rows = matching(elements, {{"data-incident", ""}});
  ASSERT_EQ(incident_rows.size(), 1u) << dom;
  EXPECT_EQ(incident_rows[0].attrs.at("data-incident"), driven[4]);
  EXPECT_EQ(text_of(elements, {{"data-field", "incident-step"}}), "verify-card");
  EXPECT_NE(dom.find("card.verify: unavailable"), std::string::npos) << "the task and last error";
  EXPECT_EQ(matching(elements, {{"data-retry", driven[4]}}).size(), 1u) << "its retry button";
  EXPECT_EQ(dom.find("No incidents"), std::string::npos);

  // The screenshot, for people.
  ASSERT_TRUE(fs::exists(screenshot)) << file_text(work_ / "chromium.log");
  EXPECT_EQ(file_text(screenshot).substr(0, 8), "\x89PNG\r\n\x1a\n");
  EXPECT_GT(fs::file_size(screenshot), 20'000u) << "a blank page?";

  // The other views, each with its screenshot: the one asked for shows, the others are hidden.
  for (const std::string view : {"activity", "incidents"}) {
    const auto shot = out_dir / ("dashboard-" + view + ".png");
    fs::remove(shot);
    const auto view_dom = load_in_chromium("http://127.0.0.1:" + std::to_string(port) + "/#" + view,
                                           shot, work_, reader_token_, loaded(), "1280,1000");
    const auto view_elements = data_elements(view_dom);
    const auto page_body = matching(view_elements, {{"data-loaded", "true"}});
    ASSERT_EQ(page_body.size(), 1u) << view_dom;
    EXPECT_EQ(page_body[0].attrs.at("data-view"), view);
    EXPECT_NE(view_dom.find("<div data-view=\"" + view + "\">"), std::string::npos) << view_dom;
    EXPECT_NE(view_dom.find("<div data-view=\"journey\" hidden=\"\">"), std::string::npos);
    ASSERT_TRUE(fs::exists(shot)) << view;
    EXPECT_GT(fs::file_size(shot), 10'000u) << view;
    std::cout << "dashboard screenshot: " << shot.string() << "\n";
  }
}

// A registration's timeline (#timeline/<id>): every record of its history, in order, with its
// outcome. One waiting for an operator (an issued one keeps no history in Redis: issue 16).
TEST_F(DashboardTest, ShowsARegistrationsTimelineFromItsHistory) {
  const auto port = http_port();
  sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
  const auto ids = start_self_service(driver, 1, kFirstCitizen + 4, "dash-timeline");  // busy x5
  drive(driver, ids, 150s, true);
  ASSERT_EQ(driver.outcome_of(ids[0]), sim::Outcome::incident);
  const auto history =
      http_get(port, "/v1/registrations/" + ids[0] + "/history?limit=1000", reader_token_).json();
  const auto& records = history.at("records");
  ASSERT_GT(records.size(), 5u);

  const fs::path out_dir = ENROLL_TEST_OUTPUT_DIR;
  fs::create_directories(out_dir);
  const auto shot = out_dir / "dashboard-timeline.png";
  fs::remove(shot);
  const auto dom = load_in_chromium(
      "http://127.0.0.1:" + std::to_string(port) + "/#timeline/" + ids[0], shot, work_,
      reader_token_, loaded() + " && document.getElementById('timeline').dataset.loaded === 'true'",
      "1280,2400");
  const auto elements = data_elements(dom);
  const auto list = matching(elements, {{"data-registration", ids[0]}, {"data-loaded", ""}});
  ASSERT_EQ(list.size(), 1u) << dom;
  EXPECT_EQ(list[0].attrs.at("data-loaded"), "true");
  const auto items = matching(elements, {{"data-seq", ""}});
  ASSERT_EQ(items.size(), records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto seq = records[i].at("seq").dump();
    EXPECT_EQ(items[i].attrs.at("data-seq"), seq);
    EXPECT_EQ(text_of(elements, {{"data-record-outcome", seq}}),
              records[i].at("outcome").get<std::string>())
        << seq;
  }
  ASSERT_TRUE(fs::exists(shot));
  EXPECT_GT(fs::file_size(shot), 10'000u);
  std::cout << "dashboard screenshot: " << shot.string() << "\n";
}

}  // namespace
}  // namespace enroll::test

namespace enroll::test {
namespace {

// The incident list's Retry in a browser, clicked: it asks for the operator's token (kept
// nowhere), sends the retry with it, says so on the page, and the registration resumes and
// completes, audited under the token's operator.
TEST_F(DashboardTest, AnOperatorRetriesAnIncidentFromThePage) {
  const auto port = http_port();
  sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
  const auto ids = start_self_service(driver, 1, kFirstCitizen + 4, "dash-retry");  // busy x5
  drive(driver, ids, 120s, true);
  ASSERT_EQ(driver.outcome_of(ids[0]), sim::Outcome::incident) << ids[0];
  const std::string id = ids[0];

  DevToolsPage page("http://127.0.0.1:" + std::to_string(port) + "/#incidents", work_);
  sign_in(page, reader_token_);  // to read; the retry asks for an operator's token
  const std::string button = "document.querySelector('[data-retry=\"" + id + "\"]')";
  ASSERT_TRUE(page.wait_for(button + " !== null", 30s)) << "no Retry button for " << id;
  // Retry asks for the token in a dialog.
  page.evaluate(button + ".click()");
  ASSERT_EQ(page.evaluate("document.querySelector('dialog.retry').open"), true);
  page.evaluate("document.querySelector('dialog.retry input[type=password]').value = '" +
                operator_token_ + "'");
  page.evaluate("document.querySelector('dialog.retry input[type=text]').value = 'from the page'");
  page.evaluate("document.querySelector('dialog.retry button[value=send]').click()");
  ASSERT_TRUE(
      page.wait_for("document.getElementById('retry-result').textContent.includes('sent')", 30s))
      << page.evaluate("document.getElementById('retry-result').textContent").dump();
  EXPECT_EQ(page.evaluate("document.querySelector('dialog.retry') === null"), true)
      << "the dialog, and the token typed into it, are gone";
  const std::string said = page.evaluate("document.getElementById('retry-result').textContent");
  EXPECT_NE(said.find("Retry of " + id + " sent (command op/"), std::string::npos) << said;

  // The audit names the token's operator (read before it is issued: an issued registration
  // keeps no history in Redis, issue 16); then it resumes and completes.
  int retries = 0;
  for (int tries = 0; tries < 300 && retries == 0; ++tries) {
    if (tries > 0) std::this_thread::sleep_for(100ms);
    const auto history =
        http_get(port, "/v1/registrations/" + id + "/history?limit=1000", reader_token_)
            .json()
            .at("records");
    for (const auto& r : history) {
      if (r.at("outcome").get<std::string>().rfind("operator_retry: from the page", 0) != 0) {
        continue;
      }
      ++retries;
      EXPECT_EQ(r.at("actor").at("operator"), "operator-1");
    }
  }
  EXPECT_EQ(retries, 1);
  drive(driver, ids, 120s);
  EXPECT_EQ(driver.outcome_of(id), sim::Outcome::issued);
}

// The page loads without a token and asks for one; the API answers its reads 401 without one
// and data with a reader's; a refused token is forgotten and asked for again with a reason; a
// good one is kept in this tab's sessionStorage (never localStorage) until signing out.
TEST_F(DashboardTest, AsksForAReaderTokenAndForgetsARefusedOne) {
  const auto port = http_port();
  for (const std::string target :
       {"/v1/stats/funnel", "/v1/stats/activity", "/v1/stats/journey?channel=self-service",
        "/v1/registrations?stuck_for=1s&limit=20", "/v1/registrations?status=incident"}) {
    const auto refused = http_get(port, target);
    EXPECT_EQ(refused.status, 401) << target;
    EXPECT_EQ(refused.error_code(), "unauthorized") << target;
    EXPECT_EQ(http_get(port, target, reader_token_).status, 200) << target;
  }
  EXPECT_EQ(http_get(port, "/").status, 200);  // the page itself is open

  DevToolsPage page("http://127.0.0.1:" + std::to_string(port) + "/", work_);
  const std::string key = "sessionStorage.getItem('enroll.readerToken')";
  ASSERT_TRUE(
      page.wait_for("document.body !== null && document.body.dataset.signedIn === 'false'", 30s));
  EXPECT_EQ(page.evaluate("document.getElementById('sign-in').hidden"), false);
  EXPECT_EQ(page.evaluate("document.querySelector('main').hidden"), true);
  EXPECT_EQ(page.evaluate("document.body.dataset.loaded"), "false");

  // A token the API refuses: forgotten, asked for again, with the reason.
  sign_in(page, "not-a-token-of-anyone");
  ASSERT_TRUE(
      page.wait_for("document.body.dataset.signedIn === 'false' && "
                    "document.getElementById('sign-in-note').textContent.includes('refused')",
                    30s))
      << page.dom();
  EXPECT_EQ(page.evaluate(key), nullptr);
  EXPECT_EQ(page.evaluate("document.body.dataset.loaded"), "false");

  // The reader's: the figures come, the token stays in this tab only.
  sign_in(page, reader_token_);
  ASSERT_TRUE(page.wait_for(loaded(), 30s)) << page.dom();
  EXPECT_EQ(page.evaluate(key), reader_token_);
  EXPECT_EQ(page.evaluate("localStorage.length"), 0);
  EXPECT_EQ(page.evaluate("document.getElementById('sign-in').hidden"), true);
  EXPECT_EQ(page.evaluate("document.getElementById('error').hidden"), true);

  page.evaluate("document.getElementById('sign-out').click()");
  EXPECT_EQ(page.evaluate(key), nullptr);
  EXPECT_EQ(page.evaluate("document.body.dataset.signedIn"), "false");
}

}  // namespace
}  // namespace enroll::test
