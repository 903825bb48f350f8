// A civil-registry outage in the middle of a run of 200 self-service registrations (issue 14):
// for the outage the registry answers every request `unavailable` (a registry in the same
// consumer group, with --unavailable-rate 1, takes the place of the working one, which comes
// back after). None is rejected; a registration whose registry task ran out of retries during
// the outage waits as an incident; one bulk retry after the outage (`enrollctl retry --query
// status=incident --yes`) resumes them all, and every registration is issued, each exactly once
// (one audit chain, every transition once). In production terms a two-minute outage against
// the registry steps' retries (full-jitter backoff 1, 2, 4, 8 s: ~15 s of fast errors at
// verify-card); here both are scaled down by kScale, the outage to 30 s and the backoffs to
// 0.25-2 s, so the outage outlasts the retries eight times over, as it does in production.
// (Two minutes of timeouts instead, a registry that does not answer, park only what reaches it
// in the outage's first seconds: 5 attempts of 20 s; the deadlines are not scaled.)
#include <thread>

#include "sim/citizen_driver.hpp"
#include "tests/integration/orchestrator_fixture.hpp"
#include "tests/support/http_client.hpp"

namespace enroll::test {
namespace {
using namespace std::chrono_literals;
using nlohmann::json;

constexpr int kRegistrations = 200;  // most of them are parked: more only take longer
// Production's two-minute outage and the registry steps' backoffs, both divided by kScale.
constexpr int kScale = 4;
constexpr auto kOutage = 120s / kScale;

class RegistryOutageTest : public OrchestratorTest {
 protected:
  // The registry in a process of its own, so that it alone goes down.
  std::vector<std::string> connector_flags() override {
    return {"--connectors", "capture,officer"};
  }
  // The registry steps' retries, backoff and cap, scaled down with the outage (their attempts
  // and deadlines as they are).
  void adjust_definition(json& definition) override {
    for (auto& step : definition["steps"]) {
      if (!step.contains("task") || step["task"].value("connector", "") != "registry") continue;
      auto& retry = step["retry"];
      for (const char* field : {"initial_backoff_ms", "max_backoff_ms"}) {
        retry[field] = retry.at(field).get<int>() / kScale;
      }
    }
  }
  void SetUp() override {
    OrchestratorTest::SetUp();
    start_registry("registry", {});
  }
  void TearDown() override {
    if (registry_) registry_->stop();
    OrchestratorTest::TearDown();
  }
  // The registry simulator (stopping the one running first), in one consumer group whatever
  // its log is called, so that each takes over where the last one left off.
  void start_registry(const std::string& log, std::vector<std::string> flags) {
    if (registry_) registry_->stop();
    flags.insert(flags.begin(), {"--connectors", "registry"});
    registry_ = std::make_unique<ChildProcess>(connectors_options(log, flags, "registry"));
  }
  std::size_t count(const std::string& query) {
    const auto r = http_get(http_port(), "/v1/registrations/count?" + query, reader_token_);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json().at("count").get<std::size_t>() : 0;
  }
  std::unique_ptr<ChildProcess> registry_;
};

TEST_F(RegistryOutageTest, NoneRejectedTheStalledBecomeIncidentsOneBulkRetryIssuesThemAll) {
  sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
  const auto ids = start_self_service(driver, kRegistrations, 9001, "outage");
  // The outage starts once the run is under way and lasts kOutage.
  bool down = false;
  bool up = false;
  const auto outage = [&](std::chrono::steady_clock::duration elapsed) {
    if (!down && elapsed > 10s) {
      start_registry("registry-down", {"--unavailable-rate", "1"});
      down = true;
    } else if (down && !up && elapsed > 10s + kOutage) {
      start_registry("registry-up", {});
      up = true;
    }
  };
  const auto t0 = std::chrono::steady_clock::now();
  DriveOptions options;
  options.locked_is_final = true;  // an incident waits for the operator below
  options.on_tick = [&](auto) { outage(std::chrono::steady_clock::now() - t0); };
  drive(driver, ids, 600s, options);
  // Every registration may be issued or parked before the outage is over: the registry comes
  // back only then, and the operator acts after.
  while (!up) {
    outage(std::chrono::steady_clock::now() - t0);
    std::this_thread::sleep_for(1s);
  }
  ASSERT_TRUE(down);

  std::map<sim::Outcome, int> outcomes;
  for (const auto& id : ids) ++outcomes[driver.outcome_of(id).value_or(sim::Outcome::pending)];
  EXPECT_EQ(outcomes[sim::Outcome::rejected], 0) << "no registration is rejected by an outage";
  EXPECT_EQ(outcomes[sim::Outcome::pending], 0) << unfinished(driver, ids);
  const int incidents = outcomes[sim::Outcome::incident];
  std::cout << "outcomes after the outage: " << outcomes[sim::Outcome::issued] << " issued, "
            << incidents << " incidents\n";
  ASSERT_GT(incidents, 0) << "an outage longer than the retries parks the registrations it stalled";
  EXPECT_EQ(count("status=incident"), static_cast<std::size_t>(incidents));

  // One bulk retry, then the citizens carry on.
  std::string out;
  const int exit = enrollctl({"--url", "http://127.0.0.1:" + std::to_string(http_port()), "--keys",
                              (work_ / "keys").string(), "retry", "--query", "status=incident",
                              "--reason", "registry back after the outage", "--yes"},
                             out);
  ASSERT_EQ(exit, 0) << out;
  drive(driver, ids, 300s);
  EXPECT_EQ(issued(driver, ids), ids.size()) << unfinished(driver, ids);
  EXPECT_EQ(count("status=incident"), 0u);
  expect_exactly_once(ids);
}

}  // namespace
}  // namespace enroll::test
