// enrollctl audit verify on a real trail: registrations run through enrollmentd, their
// enroll.audit records exported to a file (one CloudEvent per line, as a consumer would dump
// them) verify intact; the same file with one record altered fails, naming that record. Then
// from the histories enrollmentd keeps in Redis (compact since issue 16: seq run and count).
#include <fstream>

#include "tests/integration/orchestrator_fixture.hpp"

namespace enroll::test {
namespace {
using namespace std::chrono_literals;

class AuditVerifyTest : public OrchestratorTest {};

TEST_F(AuditVerifyTest, AnIntactTrailVerifiesAndAnAlteredRecordIsNamed) {
  sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
  const auto ids = start_self_service(driver, 3, 5100, "audit");
  drive(driver, ids, 120s);
  ASSERT_EQ(issued(driver, ids), ids.size());

  TopicReader audit(services_.brokers(), topics_.audit());
  audit.read_to_end();
  const auto intact = work_ / "audit.jsonl";
  const auto altered = work_ / "audit-altered.jsonl";
  std::ofstream good(intact), bad(altered);
  std::int64_t altered_seq = 0;
  for (const auto& m : audit.messages()) {
    good << m.value << "\n";
    auto e = nlohmann::json::parse(m.value);
    if (altered_seq == 0 && e["data"]["registration_id"] == ids[1] && e["data"]["seq"] == 5) {
      e["data"]["outcome"] = "approved by nobody";  // one field of one record
      altered_seq = 5;
    }
    bad << e.dump() << "\n";
  }
  good.close();
  bad.close();
  ASSERT_EQ(altered_seq, 5);

  std::string out;
  EXPECT_EQ(enrollctl({"audit", "verify", "--file", intact.string()}, out), 0) << out;
  EXPECT_NE(out.find("intact: "), std::string::npos) << out;
  EXPECT_EQ(enrollctl({"audit", "verify", ids[0], "--file", intact.string()}, out), 0) << out;

  EXPECT_EQ(enrollctl({"audit", "verify", "--file", altered.string()}, out), 1) << out;
  EXPECT_NE(out.find("broken: " + ids[1] + " at seq 5: hash does not match"), std::string::npos)
      << out;
  EXPECT_EQ(enrollctl({"--json", "audit", "verify", "--file", altered.string()}, out), 1) << out;
  const auto report = nlohmann::json::parse(out);
  ASSERT_EQ(report["broken"].size(), 1u) << out;
  EXPECT_EQ(report["broken"][0]["registration_id"], ids[1]);
  EXPECT_EQ(report["broken"][0]["seq"], 5);
  // The other registrations' chains in the altered file are still intact.
  EXPECT_EQ(enrollctl({"audit", "verify", ids[2], "--file", altered.string()}, out), 0) << out;
  // A registration with no records: not found.
  EXPECT_EQ(enrollctl({"audit", "verify", "nobody", "--file", intact.string()}, out), 1) << out;
}

// The same from the histories in Redis (through the API). Since issue 16 they are compact (no
// hashes: the whole records are on enroll.audit) and an issued registration's is not kept:
// an issued one is named `not kept` (exit 0); a compact history (an active registration's)
// is checked for its seq run and its count against the state: a seq altered or a record cut
// off is named.
TEST_F(AuditVerifyTest, TheHistoriesInRedisVerifyAndTamperingIsNamed) {
  sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
  const auto ids = start_self_service(driver, 3, 5200, "audit-redis");
  drive(driver, ids, 120s);
  ASSERT_EQ(issued(driver, ids), ids.size());
  const std::string url = "http://127.0.0.1:" + std::to_string(http_port());

  std::string out;
  EXPECT_EQ(enrollctl({"--url", url, "audit", "verify"}, out), 0) << out;
  EXPECT_NE(out.find("registration(s)"), std::string::npos) << out;
  EXPECT_NE(out.find("not kept: " + ids[0] + ": its "), std::string::npos) << out;
  EXPECT_EQ(enrollctl({"--url", url, "--json", "audit", "verify"}, out), 0) << out;
  const auto whole = nlohmann::json::parse(out.substr(out.find('{')));
  EXPECT_EQ(whole["registrations"], ids.size()) << out;
  EXPECT_EQ(whole["records"], 0) << "an issued registration keeps no history in Redis: " << out;

  // Compact histories, as an active registration has, put back for ids[1] (seq 5 altered) and
  // ids[2] (its last record cut off), its records no longer counted as dropped.
  const auto compact_history = [&](const std::string& id, int n, int altered) {
    const auto meta = redis_keys(ns_ + ":{p*}:meta:" + id);
    ASSERT_EQ(meta.size(), 1u);
    redis_->command({meta[0]}, {"HDEL", meta[0], "history_dropped"});
    const std::string hist = meta[0].substr(0, meta[0].rfind(":meta:")) + ":hist:" + id;
    for (int seq = 1; seq <= n; ++seq) {
      const int stored = seq == altered ? 9 : seq;
      redis_->command(
          {hist}, {"RPUSH", hist,
                   std::to_string(stored) +
                       "\t1796437683342\tchannel\tchannel-app\t\t~/c\t\tcard/card-front\t\t\tok"});
    }
  };
  const int records1 = stored_state(ids[1]).value()["audit_seq"].get<int>();
  const int records2 = stored_state(ids[2]).value()["audit_seq"].get<int>();
  compact_history(ids[1], records1, 5);
  compact_history(ids[2], records2 - 1, 0);

  EXPECT_EQ(enrollctl({"--url", url, "audit", "verify", ids[1]}, out), 1) << out;
  EXPECT_NE(out.find("broken: " + ids[1] + " at seq 5: seq 9 where 5 belongs"), std::string::npos)
      << out;
  EXPECT_EQ(enrollctl({"--url", url, "audit", "verify", ids[2]}, out), 1) << out;
  EXPECT_NE(out.find("broken: " + ids[2] + " at seq " + std::to_string(records2)),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("missing: the state counts"), std::string::npos) << out;
  EXPECT_EQ(enrollctl({"--url", url, "--json", "audit", "verify"}, out), 1) << out;
  const auto report = nlohmann::json::parse(out.substr(out.find('{')));
  ASSERT_EQ(report["broken"].size(), 2u) << out;
  EXPECT_EQ(enrollctl({"--url", url, "audit", "verify", ids[0]}, out), 0) << out;
  EXPECT_EQ(enrollctl({"--url", url, "audit", "verify", "nobody"}, out), 1) << out;
  EXPECT_NE(out.find("no registration nobody"), std::string::npos) << out;
}

}  // namespace
}  // namespace enroll::test
