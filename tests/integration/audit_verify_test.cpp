// enrollctl audit verify on a real trail: registrations run through enrollmentd, their
// enroll.audit records exported to a file (one CloudEvent per line, as a consumer would dump
// them) verify intact; the same file with one record altered fails, naming that record.
#include <fstream>

#include "tests/integration/orchestrator_fixture.hpp"

namespace enroll::test {
namespace {
using namespace std::chrono_literals;

class AuditVerifyTest : public OrchestratorTest {
 protected:
  // Runs enrollctl with `args`; returns its exit status and (in `out`) what it printed.
  int enrollctl(const std::vector<std::string>& args, std::string& out) {
    std::vector<std::string> argv{ENROLLCTL_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    ChildProcess ctl(ChildProcess::Options{argv, work_ / "enrollctl.log"});
    const auto status = ctl.wait_exit(30s);
    out = ctl.log();
    return status.value_or(-1);
  }
};

TEST_F(AuditVerifyTest, AnIntactTrailVerifiesAndAnAlteredRecordIsNamed) {
  sim::CitizenDriver driver(keys_.passcode_seal.pub, "/test/citizen", "self-service");
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

}  // namespace
}  // namespace enroll::test
