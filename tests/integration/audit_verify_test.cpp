// enrollctl audit verify on a real trail: registrations run through enrollmentd, their
// enroll.audit records exported to a file (one CloudEvent per line, as a consumer would dump
// them) verify intact; the same file with one record altered fails, naming that record. Then
// the same from the histories enrollmentd keeps in Redis.
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

// The same from the histories in Redis (through the API): intact; one record altered in place
// is named; a history cut short links but does not reach the state's audit head.
TEST_F(AuditVerifyTest, TheHistoriesInRedisVerifyAndTamperingIsNamed) {
  sim::CitizenDriver driver(signers(), keys_.seal_public_key(), "/test/citizen", "self-service");
  const auto ids = start_self_service(driver, 3, 5200, "audit-redis");
  drive(driver, ids, 120s);
  ASSERT_EQ(issued(driver, ids), ids.size());
  const std::string url = "http://127.0.0.1:" + std::to_string(http_port());

  std::string out;
  EXPECT_EQ(enrollctl({"--url", url, "audit", "verify"}, out), 0) << out;
  EXPECT_NE(out.find("registration(s)"), std::string::npos) << out;
  EXPECT_EQ(enrollctl({"--url", url, "--json", "audit", "verify"}, out), 0) << out;
  const auto whole = nlohmann::json::parse(out);
  EXPECT_EQ(whole["registrations"], ids.size()) << out;
  std::int64_t stored_records = 0;
  for (const auto& id : ids) stored_records += stored_state(id).value()["audit_seq"].get<int>();
  EXPECT_EQ(whole["records"], stored_records) << out;
  EXPECT_EQ(enrollctl({"--url", url, "audit", "verify", ids[0]}, out), 0) << out;
  EXPECT_NE(out.find("intact: "), std::string::npos) << out;

  // One field of record 5 of ids[1], changed in Redis.
  const auto hist1 = redis_keys(ns_ + ":{p*}:hist:" + ids[1]);
  ASSERT_EQ(hist1.size(), 1u);
  const auto rec = redis_->command({hist1[0]}, {"LINDEX", hist1[0], "4"});
  ASSERT_EQ(rec->type, REDIS_REPLY_STRING);
  auto record = nlohmann::json::parse(std::string(rec->str, rec->len));
  ASSERT_EQ(record["seq"], 5);
  record["outcome"] = "approved by nobody";
  redis_->command({hist1[0]}, {"LSET", hist1[0], "4", record.dump()});
  // The last record of ids[2] removed: the rest still links.
  const auto hist2 = redis_keys(ns_ + ":{p*}:hist:" + ids[2]);
  ASSERT_EQ(hist2.size(), 1u);
  redis_->command({hist2[0]}, {"RPOP", hist2[0]});

  EXPECT_EQ(enrollctl({"--url", url, "audit", "verify", ids[1]}, out), 1) << out;
  EXPECT_NE(out.find("broken: " + ids[1] + " at seq 5: hash does not match"), std::string::npos)
      << out;
  EXPECT_EQ(enrollctl({"--url", url, "audit", "verify", ids[2]}, out), 1) << out;
  EXPECT_NE(out.find("broken: " + ids[2] + " at seq "), std::string::npos) << out;
  EXPECT_NE(out.find("missing: the state counts"), std::string::npos) << out;
  EXPECT_EQ(enrollctl({"--url", url, "--json", "audit", "verify"}, out), 1) << out;
  const auto report = nlohmann::json::parse(out);
  ASSERT_EQ(report["broken"].size(), 2u) << out;
  EXPECT_EQ(enrollctl({"--url", url, "audit", "verify", ids[0]}, out), 0) << out;
  EXPECT_EQ(enrollctl({"--url", url, "audit", "verify", "nobody"}, out), 1) << out;
  EXPECT_NE(out.find("no registration nobody"), std::string::npos) << out;
}

}  // namespace
}  // namespace enroll::test
