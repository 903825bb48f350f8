// The step machine: put it in a state, fire one event, read where it stands.
#include "statemachines/step_machine.hpp"

#include <gtest/gtest.h>

#include <array>
#include <ostream>
#include <string>
#include <vector>

namespace enroll {

// Readable failure messages (static: this TU's own, found by ADL).
static void PrintTo(StepState s, std::ostream* os) { *os << to_string(s); }

namespace {

using St = StepState;
constexpr std::array<St, 5> kStates{St::awaiting_input, St::awaiting_connector, St::retry_scheduled,
                                    St::done, St::failed};

TEST(StepMachine, NamesRoundTrip) {
  const std::vector<std::pair<St, std::string>> names{
      {St::awaiting_input, "awaiting_input"},
      {St::awaiting_connector, "awaiting_connector"},
      {St::retry_scheduled, "retry_scheduled"},
      {St::done, "done"},
      {St::failed, "failed"}};
  for (const auto& [s, name] : names) {
    EXPECT_EQ(to_string(s), name);
    EXPECT_EQ(step_state_from(name), s);
  }
  EXPECT_EQ(step_state_from("awaiting-input"), std::nullopt);
}

TEST(StepMachine, Final) {
  EXPECT_TRUE(is_final(St::done));
  EXPECT_TRUE(is_final(St::failed));
  EXPECT_FALSE(is_final(St::awaiting_input));
  EXPECT_FALSE(is_final(St::awaiting_connector));
  EXPECT_FALSE(is_final(St::retry_scheduled));
}

TEST(StepMachine, TaskSent) {
  EXPECT_EQ(step_transition(St::awaiting_input, step::TaskSent{}), St::awaiting_connector);
  EXPECT_EQ(step_transition(St::retry_scheduled, step::TaskSent{}), St::awaiting_connector);
  EXPECT_EQ(step_transition(St::awaiting_connector, step::TaskSent{}), std::nullopt);
  EXPECT_EQ(step_transition(St::done, step::TaskSent{}), std::nullopt);
  EXPECT_EQ(step_transition(St::failed, step::TaskSent{}), std::nullopt);
}

TEST(StepMachine, Completed) {
  EXPECT_EQ(step_transition(St::awaiting_input, step::Completed{}), St::done);
  EXPECT_EQ(step_transition(St::awaiting_connector, step::Completed{}), St::done);
  EXPECT_EQ(step_transition(St::retry_scheduled, step::Completed{}), std::nullopt);
  EXPECT_EQ(step_transition(St::done, step::Completed{}), std::nullopt);
}

TEST(StepMachine, RetryableErrorGuardChoosesRetryOrFailure) {
  EXPECT_EQ(step_transition(St::awaiting_connector, step::RetryableError{true}),
            St::retry_scheduled);
  EXPECT_EQ(step_transition(St::awaiting_connector, step::RetryableError{false}), St::failed);
  EXPECT_EQ(step_transition(St::awaiting_input, step::RetryableError{true}), std::nullopt);
  EXPECT_EQ(step_transition(St::retry_scheduled, step::RetryableError{true}), std::nullopt);
}

TEST(StepMachine, Failed) {
  EXPECT_EQ(step_transition(St::awaiting_input, step::Failed{}), St::failed);
  EXPECT_EQ(step_transition(St::awaiting_connector, step::Failed{}), St::failed);
  EXPECT_EQ(step_transition(St::retry_scheduled, step::Failed{}), St::failed);
  EXPECT_EQ(step_transition(St::failed, step::Failed{}), std::nullopt);
}

TEST(StepMachine, Retake) {
  EXPECT_EQ(step_transition(St::awaiting_input, step::Retake{}), St::awaiting_input);
  EXPECT_EQ(step_transition(St::awaiting_connector, step::Retake{}), St::awaiting_input);
  EXPECT_EQ(step_transition(St::retry_scheduled, step::Retake{}), std::nullopt);
}

TEST(StepMachine, RestartFromAnyState) {
  for (St s : kStates) EXPECT_EQ(step_transition(s, step::Restart{}), St::awaiting_input);
}

// Exhaustive: every (state, event) pair against a table written out by hand. "-" = refused.
TEST(StepMachine, ExhaustiveTable) {
  const std::vector<StepEvent> events{step::TaskSent{},
                                      step::Completed{},
                                      step::RetryableError{true},
                                      step::RetryableError{false},
                                      step::Failed{},
                                      step::Retake{},
                                      step::Restart{}};
  // clang-format off
  const std::vector<std::pair<St, std::array<const char*, 7>>> table{
    //  from                    TaskSent              Completed  RetryableError{true} RetryableError{false} Failed    Retake            Restart
    {St::awaiting_input,     {"awaiting_connector", "done",    "-",                 "-",                  "failed", "awaiting_input", "awaiting_input"}},
    {St::awaiting_connector, {"-",                  "done",    "retry_scheduled",   "failed",             "failed", "awaiting_input", "awaiting_input"}},
    {St::retry_scheduled,    {"awaiting_connector", "-",       "-",                 "-",                  "failed", "-",              "awaiting_input"}},
    {St::done,               {"-",                  "-",       "-",                 "-",                  "-",      "-",              "awaiting_input"}},
    {St::failed,             {"-",                  "-",       "-",                 "-",                  "-",      "-",              "awaiting_input"}},
  };
  // clang-format on
  for (const auto& [from, row] : table) {
    for (std::size_t i = 0; i < events.size(); ++i) {
      const std::string cell = row[i];
      const std::optional<St> expected =
          cell == "-" ? std::nullopt : std::optional<St>(step_state_from(cell).value());
      EXPECT_EQ(step_transition(from, events[i]), expected)
          << "from " << to_string(from) << ", event column " << i;
    }
  }
}

}  // namespace
}  // namespace enroll
