// The test-support helpers themselves: names, child processes, service discovery.
#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "tests/support/child_process.hpp"
#include "tests/support/services.hpp"

namespace enroll::test {
namespace {

using namespace std::chrono_literals;

TEST(UniqueName, IsSafeForTopicsAndDiffersEachCall) {
  const std::string a = unique_name("Relay Test_1");
  const std::string b = unique_name("Relay Test_1");
  EXPECT_NE(a, b);
  EXPECT_TRUE(std::regex_match(a, std::regex("relay-test-1-[0-9]+-[0-9a-f]{8}"))) << a;
}

TEST(TestServicesFromEnv, KnowsWhereTheServersAre) {
  const TestServices services;
  EXPECT_FALSE(services.brokers().empty());
  // Every test logs in as the fixture's ACL user.
  EXPECT_TRUE(std::regex_match(services.redis_url(),
                               std::regex("redis://enroll:[0-9a-f]{32}@" + services.redis_host() +
                                          ":" + std::to_string(services.redis_port()) + "/0")))
      << "(the URL is not printed: it holds the password)";
  EXPECT_EQ(services.control("ping"), "ok");
}

TEST(TestServicesFromDir, FailsClearlyWhenTheFilesAreMissing) {
  try {
    const TestServices services(std::filesystem::path("/nonexistent") / unique_name("dir"));
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("brokers"), std::string::npos) << e.what();
  }
}

class ChildProcessTest : public ::testing::Test {
 protected:
  const std::filesystem::path dir_ =
      std::filesystem::temp_directory_path() / unique_name("child-process-test");
  void SetUp() override { std::filesystem::create_directories(dir_); }
  void TearDown() override { std::filesystem::remove_all(dir_); }
};

TEST_F(ChildProcessTest, PassesExtraEnvironmentAndCapturesOutput) {
  ChildProcess child({.argv = {"/bin/sh", "-c", "echo \"$GREETING\"; echo oops >&2; exit 3"},
                      .log_file = dir_ / "log",
                      .env = {{"GREETING", "hello"}}});
  EXPECT_EQ(child.wait_exit(10s), 3);
  EXPECT_FALSE(child.running());
  EXPECT_EQ(child.log(), "hello\noops\n");
}

TEST_F(ChildProcessTest, ReportsASignalAs128PlusItsNumber) {
  ChildProcess child({.argv = {"sleep", "30"}, .log_file = dir_ / "log"});
  EXPECT_TRUE(child.running());
  EXPECT_EQ(child.wait_exit(50ms), std::nullopt);
  child.signal(SIGKILL);
  EXPECT_EQ(child.wait_exit(10s), 128 + SIGKILL);
}

TEST_F(ChildProcessTest, StopEscalatesToSigkillForAProcessIgnoringSigterm) {
  ChildProcess child(
      {.argv = {"/bin/sh", "-c", "trap '' TERM; echo ready; while :; do sleep 0.1; done"},
       .log_file = dir_ / "log"});
  for (int i = 0; i < 200 && child.log().empty(); ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(child.stop(300ms), 128 + SIGKILL);
}

TEST_F(ChildProcessTest, SendsStderrToTheErrorFileWhenSet) {
  ChildProcess child({.argv = {"/bin/sh", "-c", "echo out; echo err >&2"},
                      .log_file = dir_ / "log",
                      .error_file = dir_ / "err"});
  EXPECT_EQ(child.wait_exit(10s), 0);
  EXPECT_EQ(child.log(), "out\n");
  std::ifstream err(dir_ / "err");
  std::string line;
  EXPECT_TRUE(std::getline(err, line));
  EXPECT_EQ(line, "err");
}

// A process's state letter from /proc ('Z': a zombie, i.e. it has ended), or 0 if it is gone.
char state_of(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  std::getline(stat, text);
  const auto paren = text.rfind(')');
  return paren == std::string::npos || paren + 2 >= text.size() ? 0 : text[paren + 2];
}

TEST_F(ChildProcessTest, StopEndsTheWholeGroupOfAGroupLeader) {
  ChildProcess child({.argv = {"/bin/sh", "-c", "sleep 30 & echo $!; wait"},
                      .log_file = dir_ / "log",
                      .own_process_group = true});
  for (int i = 0; i < 200 && child.log().empty(); ++i) std::this_thread::sleep_for(10ms);
  const pid_t helper = std::stoi(child.log());
  EXPECT_EQ(getpgid(helper), child.pid());
  child.stop();
  const auto ended = [helper] { return state_of(helper) == 0 || state_of(helper) == 'Z'; };
  for (int i = 0; i < 500 && !ended(); ++i) std::this_thread::sleep_for(10ms);
  EXPECT_TRUE(ended()) << "the helper " << helper << " outlived stop()";
}

TEST_F(ChildProcessTest, StartingAMissingProgramThrows) {
  EXPECT_THROW(ChildProcess({.argv = {"/nonexistent/program"}, .log_file = dir_ / "log"}),
               std::runtime_error);
}

// The dev broker as a child process: it announces readiness through its control file,
// stops cleanly on SIGTERM, and rejects a bad command line with exit code 2.
TEST_F(ChildProcessTest, DevBrokerStartsAndStopsCleanly) {
  const char* broker = std::getenv("ENROLL_DEVBROKER");
  ASSERT_NE(broker, nullptr) << "ENROLL_DEVBROKER is not set";
  const auto control = dir_ / "control";
  ChildProcess child({.argv = {broker, "--brokers", "1", "--partitions", "2", "--control-file",
                               control.string(), "--exit-with-parent"},
                      .log_file = dir_ / "log"});
  for (int i = 0; i < 1000 && !std::filesystem::exists(control); ++i) {
    ASSERT_TRUE(child.running()) << child.log();
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_TRUE(std::filesystem::exists(control)) << child.log();
  EXPECT_EQ(child.stop(), 0) << child.log();
  EXPECT_NE(child.log().find("ready: bootstrap 127.0.0.1:"), std::string::npos) << child.log();
}

TEST_F(ChildProcessTest, DevBrokerRejectsABadCommandLine) {
  const char* broker = std::getenv("ENROLL_DEVBROKER");
  ASSERT_NE(broker, nullptr) << "ENROLL_DEVBROKER is not set";
  ChildProcess child({.argv = {broker, "--brokers", "zero"}, .log_file = dir_ / "log"});
  EXPECT_EQ(child.wait_exit(10s), 2) << child.log();
  // One line naming the option, and where the usage is (apps/common/command_line.hpp).
  EXPECT_NE(child.log().find("enroll-devbroker: --brokers:"), std::string::npos) << child.log();
  EXPECT_NE(child.log().find("Run with --help for usage."), std::string::npos) << child.log();
}

}  // namespace
}  // namespace enroll::test
