// Crashes: enrollmentd killed with SIGKILL twice while registrations are in flight, and
// started again. No registration may be lost and no transition applied twice: every
// registration is issued, and its audit chain (duplicates of re-sent outbox entries dropped
// by their deterministic ids) is one unbroken chain whose length is the stored audit_seq.
#include <signal.h>

#include <set>
#include <thread>

#include "tests/integration/orchestrator_fixture.hpp"
#include "workflows/crypto/hashing.hpp"

namespace enroll::test {
namespace {
using namespace std::chrono_literals;

class CrashTest : public OrchestratorTest {};

TEST_F(CrashTest, KilledTwiceMidRunLosesNothingAndAppliesNothingTwice) {
  constexpr int kRegistrations = 120;
  sim::CitizenDriver driver(keys_.passcode_seal.pub, "/test/citizen", "self-service");
  std::vector<std::string> ids;
  for (int i = 0; i < kRegistrations; ++i) {
    ids.push_back(unique_name("crash"));
    const auto start = driver.start(ids.back(), 7000 + static_cast<std::uint64_t>(i),
                                    "self-service", sim::Persona::none);
    send(start.key, start.value);
  }
  std::thread crasher([this] {
    for (int crash = 0; crash < 2; ++crash) {
      std::this_thread::sleep_for(4s);
      restart_daemon(SIGKILL);
    }
  });
  const auto events = drive(driver, ids, 240s);
  crasher.join();

  std::size_t issued = 0;
  for (const auto& id : ids) issued += driver.outcome_of(id) == sim::Outcome::issued ? 1 : 0;
  EXPECT_EQ(issued, ids.size()) << "registrations lost or stuck after the crashes";

  TopicReader audit(services_.brokers(), topics_.audit());
  audit.poll_until([](const auto&) { return false; }, 3s);
  std::map<std::string, std::map<std::int64_t, nlohmann::json>> chains;  // id -> seq -> record
  std::set<std::string> seen;
  std::size_t resent = 0;
  for (const auto& m : audit.messages()) {
    const auto e = nlohmann::json::parse(m.value);
    if (!seen.insert(e.at("id").get<std::string>()).second) {
      ++resent;  // the same record re-sent from the outbox: same id, dropped
      continue;
    }
    const auto& d = e.at("data");
    const auto [it, fresh] =
        chains[d.at("registration_id")].emplace(d.at("seq").get<std::int64_t>(), d);
    EXPECT_TRUE(fresh) << "seq " << d.at("seq") << " of " << d.at("registration_id")
                       << " applied twice (two records with different ids)";
  }
  for (const auto& id : ids) {
    const auto& chain = chains[id];
    const auto state = stored_state(id);
    ASSERT_TRUE(state.has_value()) << id;
    EXPECT_EQ(static_cast<std::int64_t>(chain.size()), state->at("audit_seq").get<std::int64_t>())
        << id;
    std::string prev;
    std::int64_t expect = 1;
    for (const auto& [seq, rec] : chain) {
      EXPECT_EQ(seq, expect++) << id << ": a gap in the chain";
      EXPECT_EQ(rec.at("prev_hash"), prev) << id << " seq " << seq;
      auto body = rec;
      body.erase("hash");
      EXPECT_EQ(crypto::sha256_hex(prev + body.dump()), rec.at("hash")) << id << " seq " << seq;
      prev = rec.at("hash");
    }
    EXPECT_EQ(state->at("audit_head"), prev) << id;
  }
  // The crashes happened while registrations were in flight: three instances started.
  const std::string log = daemon_->log();
  std::size_t starts = 0;
  for (auto at = log.find("enrollmentd ready"); at != std::string::npos;
       at = log.find("enrollmentd ready", at + 1)) {
    ++starts;
  }
  EXPECT_EQ(starts, 3u) << log;
  std::cout << "audit records re-sent after the crashes (same ids): " << resent << "\n";
  (void)events;
}

}  // namespace
}  // namespace enroll::test
