// What the pipeline monitor derives from engine outcomes: transitions by phase (rejected
// commands and late results left out), step failures by task and code (failed results and
// deadlines passed), retries by task; and the partitions it owns.
#include "service/pipeline/step/pipeline_monitor.hpp"

#include <gtest/gtest.h>

#include "tests/unit/engine_fixture.hpp"

namespace enroll {
namespace {

AuditRecord audit(std::string phase, std::string outcome) {
  AuditRecord a;
  a.phase = std::move(phase);
  a.outcome = std::move(outcome);
  return a;
}

Inbound result(std::string task, TaskStatus status, std::optional<std::string> code) {
  Inbound in;
  in.type = CommandType::task_result;
  TaskResult r;
  r.task = std::move(task);
  r.status = status;
  if (code) r.error = TaskError{*code, ""};
  in.payload = r;
  return in;
}

Outcome with(std::vector<Effect> effects) {
  Outcome o;
  o.state = Registration{};
  o.effects = std::move(effects);
  return o;
}

class PipelineMonitorTest : public ::testing::Test {
 protected:
  std::uint64_t counter(const std::string& family, const metrics::Labels& labels) {
    // Read back through the rendered text, as a scrape would.
    std::string series = family;
    if (family == "enroll_transitions_total") series += "{phase=\"" + labels[0] + "\"}";
    if (family == "enroll_step_failures_total") {
      series += "{task=\"" + labels[0] + "\",code=\"" + labels[1] + "\"}";
    }
    if (family == "enroll_task_retries_total") series += "{task=\"" + labels[0] + "\"}";
    const auto text = registry_.render();
    const auto at = text.find("\n" + series + " ");
    if (at == std::string::npos) return 0;
    return std::stoull(text.substr(at + series.size() + 2));
  }
  metrics::Registry registry_;
  PipelineMonitor monitor_{registry_};
};

TEST_F(PipelineMonitorTest, CountsTransitionsByPhaseButNotRejectionsOrLateResults) {
  Inbound command;
  command.type = CommandType::terms_accept;
  monitor_.on_outcome(command,
                      with({audit("consent", "step_completed"), audit("card", "started")}));
  monitor_.on_outcome(command, with({audit("card", "command_rejected")}));
  monitor_.on_outcome(result("card.verify", TaskStatus::ok, std::nullopt),
                      with({audit("review", "ignored_late_result:r/1")}));
  EXPECT_EQ(counter("enroll_transitions_total", {"consent"}), 1u);
  EXPECT_EQ(counter("enroll_transitions_total", {"card"}), 1u);
  EXPECT_EQ(counter("enroll_transitions_total", {"review"}), 0u);
}

TEST_F(PipelineMonitorTest, FailureLabelsComeOnlyFromTheLoadedDefinitions) {
  monitor_.set_failure_labels({{"card.front.ocr", {"blurry", "timeout"}}});
  monitor_.on_outcome(result("card.front.ocr", TaskStatus::failed, "blurry"), with({}));
  // A sender's made-up task and code do not become label values.
  monitor_.on_outcome(result("evil.task.1", TaskStatus::failed, "made-up-1"), with({}));
  monitor_.on_outcome(result("evil.task.2", TaskStatus::failed, "made-up-2"), with({}));
  monitor_.on_outcome(result("card.front.ocr", TaskStatus::failed, "made-up-3"), with({}));
  EXPECT_EQ(counter("enroll_step_failures_total", {"card.front.ocr", "blurry"}), 1u);
  EXPECT_EQ(counter("enroll_step_failures_total", {"other", "other"}), 2u);
  EXPECT_EQ(counter("enroll_step_failures_total", {"card.front.ocr", "other"}), 1u);
  EXPECT_EQ(registry_.render().find("evil"), std::string::npos);
  EXPECT_EQ(registry_.render().find("made-up"), std::string::npos);
}

// What the pipeline also counts per minute in Redis for the dashboard: the same failures,
// with the same bounded labels, and nothing for a late result or a duplicate.
TEST_F(PipelineMonitorTest, StepFailuresAreWhatIsCountedWithTheSameLabels) {
  monitor_.set_failure_labels({{"card.verify", {"unavailable", "timeout"}}});
  const auto failures = [this](const Inbound& in, const Outcome& o) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& f : monitor_.step_failures(in, o)) out.emplace_back(f.task, f.code);
    return out;
  };
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(failures(result("card.verify", TaskStatus::retryable, "unavailable"), with({})),
            (Pairs{{"card.verify", "unavailable"}}));
  EXPECT_EQ(failures(result("evil.task", TaskStatus::failed, "x"), with({})),
            (Pairs{{"other", "other"}}));
  EXPECT_TRUE(failures(result("card.verify", TaskStatus::ok, std::nullopt), with({})).empty());
  EXPECT_TRUE(failures(result("card.verify", TaskStatus::failed, "unavailable"),
                       with({audit("review", "ignored_late_result:r/1")}))
                  .empty());
  auto duplicate = with({});
  duplicate.duplicate = true;
  EXPECT_TRUE(
      failures(result("card.verify", TaskStatus::failed, "unavailable"), duplicate).empty());
}

TEST_F(PipelineMonitorTest, FailureLabelsOfTheShippedChannelsIncludeTheirCodes) {
  DefinitionCatalog catalog;
  testing::load_all_channels(catalog);
  const auto labels = failure_labels(catalog);
  ASSERT_TRUE(labels.count("card.front.ocr"));
  EXPECT_TRUE(labels.at("card.front.ocr").count("blurry"));
  EXPECT_TRUE(labels.at("card.verify").count("unavailable"));
  EXPECT_TRUE(labels.at("card.verify").count("timeout"));
  EXPECT_FALSE(labels.count("evil.task"));
}

TEST_F(PipelineMonitorTest, CountsStepFailuresFromResultsAndDeadlines) {
  monitor_.on_outcome(result("card.front.ocr", TaskStatus::failed, "blurry"),
                      with({audit("card", "retake")}));
  monitor_.on_outcome(result("card.verify", TaskStatus::retryable, "unavailable"),
                      with({audit("review", "retry_scheduled:unavailable")}));
  monitor_.on_outcome(result("face.match", TaskStatus::retryable, std::nullopt), with({}));
  // A late failed result is ignored by the engine: not a failure of the step.
  monitor_.on_outcome(result("card.verify", TaskStatus::failed, "unavailable"),
                      with({audit("review", "ignored_late_result:r/2")}));
  Inbound timer;
  timer.type = CommandType::timer;
  EmitEvent failed{events::StepFailed{RegistrationState::review, "card-check", "card.verify",
                                      "timeout", true, 1, std::nullopt}};
  monitor_.on_outcome(timer, with({failed}));
  EXPECT_EQ(counter("enroll_step_failures_total", {"card.front.ocr", "blurry"}), 1u);
  EXPECT_EQ(counter("enroll_step_failures_total", {"card.verify", "unavailable"}), 1u);
  EXPECT_EQ(counter("enroll_step_failures_total", {"face.match", "retryable"}), 1u);
  EXPECT_EQ(counter("enroll_step_failures_total", {"card.verify", "timeout"}), 1u);
}

TEST_F(PipelineMonitorTest, CountsRetriesAsRequestsAfterTheFirstAttempt) {
  Inbound timer;
  timer.type = CommandType::timer;
  RequestTask first{"registry", "card.verify", RequestId("r/1"), 1, {}, {}};
  RequestTask again{"registry", "card.verify", RequestId("r/2"), 2, {}, {}};
  monitor_.on_outcome(timer, with({first}));
  monitor_.on_outcome(timer, with({again}));
  EXPECT_EQ(counter("enroll_task_retries_total", {"card.verify"}), 1u);
}

TEST_F(PipelineMonitorTest, IgnoresDuplicates) {
  Outcome dup;
  dup.duplicate = true;
  monitor_.on_outcome(result("card.verify", TaskStatus::failed, "unavailable"), dup);
  EXPECT_EQ(counter("enroll_step_failures_total", {"card.verify", "unavailable"}), 0u);
}

TEST_F(PipelineMonitorTest, OwnedPartitionsAreSortedAndRendered) {
  monitor_.set_owned({7, 2, 5});
  EXPECT_EQ(monitor_.owned(), (std::vector<std::int32_t>{2, 5, 7}));
  EXPECT_NE(registry_.render().find("\nenroll_partitions_owned 3\n"), std::string::npos);
}

TEST_F(PipelineMonitorTest, LagIsPerPartition) {
  monitor_.set_lag({{0, 5}, {3, 0}});
  const auto text = registry_.render();
  EXPECT_NE(text.find("enroll_consumer_lag{partition=\"0\"} 5\n"), std::string::npos);
  EXPECT_NE(text.find("enroll_consumer_lag{partition=\"3\"} 0\n"), std::string::npos);
}

TEST_F(PipelineMonitorTest, LatencyIsObservedFromTheBrokerTimestamp) {
  const auto then = std::chrono::time_point_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now() - std::chrono::milliseconds(300));
  monitor_.on_committed(then);
  const auto text = registry_.render();
  EXPECT_NE(text.find("enroll_commit_latency_seconds_bucket{le=\"0.25\"} 0\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("enroll_commit_latency_seconds_bucket{le=\"0.5\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("enroll_commit_latency_seconds_count 1\n"), std::string::npos);
}

}  // namespace
}  // namespace enroll
