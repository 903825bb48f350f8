// The transition graph and the lint of the rules across steps on small in-memory
// definitions: the exact messages an author sees from `enrollctl workflows check`, and the
// drawings. The loader's own stages: definition_loader_test.cpp.
#include <gtest/gtest.h>

#include "workflows/graph.hpp"

namespace enroll {
namespace {

using Lines = std::vector<std::string>;

// gtest only (the unit tests do not link gmock).
::testing::AssertionResult contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << part << "' not in:\n" << text;
}
bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}
Lines texts(const std::vector<LintFinding>& findings) {
  Lines out;
  for (const auto& f : findings) out.push_back(f.text);
  return out;
}

StepDef step(std::string name, RegistrationState phase, std::string kind,
             std::vector<CommandType> expects, std::optional<TaskRef> task = std::nullopt) {
  StepDef s;
  s.name = std::move(name);
  s.phase = phase;
  s.kind = std::move(kind);
  s.expects = std::move(expects);
  s.task = std::move(task);
  return s;
}

TaskRef task(std::string connector, std::string name) {
  return TaskRef{std::move(connector), std::move(name)};
}

// accept-terms -> card-front (5 tries, OCR task) -> issue (registry task).
ChannelDefinition mini() {
  ChannelDefinition d;
  d.channel = "mini";
  d.steps.push_back(step("accept-terms", RegistrationState::consent, "accept_terms",
                         {CommandType::terms_accept}));
  d.steps.push_back(step("card-front", RegistrationState::card, "card_front_ocr",
                         {CommandType::card_front_capture}, task("capture", "card.front.ocr")));
  d.steps.back().tries = 5;
  d.steps.push_back(step("issue", RegistrationState::issued, "issue_identity", {},
                         task("registry", "identity.issue")));
  return d;
}

LintContext context() {
  LintContext c;
  c.known_tasks = {
      {"card.front.ocr", "capture"}, {"card.verify", "registry"}, {"identity.issue", "registry"}};
  c.known_channels = {"mini", "officer-assisted"};
  return c;
}

TEST(WorkflowGraph, EdgesOfALinearChannel) {
  const Graph g = build_graph(mini());
  EXPECT_EQ(g.step_count(), 3U);
  EXPECT_TRUE(g.has_edge("accept-terms", "card-front", EdgeKind::done));
  EXPECT_TRUE(g.has_edge("accept-terms", "accept-terms", EdgeKind::retake));  // tries 0
  EXPECT_FALSE(g.has_edge("accept-terms", "rejected", EdgeKind::rejected));
  EXPECT_TRUE(g.has_edge("card-front", "card-front", EdgeKind::retake));
  EXPECT_TRUE(g.has_edge("card-front", "card-front", EdgeKind::retry));
  EXPECT_TRUE(g.has_edge("card-front", "rejected", EdgeKind::rejected));
  EXPECT_TRUE(g.has_edge("issue", "issued", EdgeKind::done));
  EXPECT_TRUE(g.has_edge("issue", "rejected", EdgeKind::rejected));  // a permanent task error
  // Exhausted task retries park the registration for an operator, whose retry leads back.
  EXPECT_TRUE(g.has_edge("issue", "incident", EdgeKind::incident));
  EXPECT_TRUE(g.has_edge("incident", "issue", EdgeKind::resume));
  EXPECT_TRUE(g.has_edge("card-front", "incident", EdgeKind::incident));
  EXPECT_FALSE(g.has_edge("accept-terms", "incident", EdgeKind::incident)) << "no task";
  for (const auto* s : {"accept-terms", "card-front", "issue"}) {
    EXPECT_TRUE(g.has_edge(s, "cancelled", EdgeKind::cancel)) << s;
    EXPECT_TRUE(g.has_edge(s, "expired", EdgeKind::expire)) << s;
  }
  // Outcomes in reading order; `locked` only when a step can lock.
  std::vector<std::string> outcomes;
  for (std::size_t i = g.step_count(); i < g.nodes.size(); ++i) {
    outcomes.push_back(g.nodes[i].name);
  }
  EXPECT_EQ(outcomes, (Lines{"issued", "rejected", "incident", "expired", "cancelled"}));
}

TEST(WorkflowGraph, RetriesThatRejectDrawNoIncident) {
  auto d = mini();
  d.steps.back().retry.on_exhausted = RetriesExhausted::reject;
  const Graph g = build_graph(d);
  EXPECT_FALSE(g.has_edge("issue", "incident", EdgeKind::incident));
  EXPECT_TRUE(g.has_edge("issue", "rejected", EdgeKind::rejected));
  EXPECT_TRUE(g.has_edge("card-front", "incident", EdgeKind::incident));
}

TEST(WorkflowGraph, CleanChannelHasNoFindings) {
  const auto report = lint(mini(), context());
  EXPECT_EQ(texts(report.errors), Lines{});
  EXPECT_EQ(texts(report.warnings), Lines{});
  EXPECT_TRUE(report.ok());
}

TEST(WorkflowGraph, KindsAddGoBackEdges) {
  auto d = mini();
  d.steps.insert(d.steps.begin() + 2, step("confirm-card-data", RegistrationState::review,
                                           "confirm_card_data", {CommandType::card_data_confirm}));
  const Graph g = build_graph(d);
  EXPECT_TRUE(g.has_edge("confirm-card-data", "card-front", EdgeKind::back));
  EXPECT_TRUE(g.has_edge("confirm-card-data", "rejected", EdgeKind::rejected));  // may_reject
  EXPECT_TRUE(lint(d, context()).ok());
}

TEST(WorkflowGraph, UnknownConnector) {
  auto d = mini();
  d.steps[1].task->connector = "camera";
  EXPECT_EQ(texts(lint(d, context()).errors),
            (Lines{"channel mini, step card-front: unknown connector 'camera' (known: "
                   "capture, registry)"}));
}

TEST(WorkflowGraph, UnknownTask) {
  auto d = mini();
  d.steps[1].task->name = "card.scan";
  EXPECT_EQ(texts(lint(d, context()).errors),
            (Lines{"channel mini, step card-front: unknown task 'card.scan' (known: "
                   "card.front.ocr, card.verify, identity.issue)"}));
}

TEST(WorkflowGraph, TaskOfAnotherConnector) {
  auto d = mini();
  d.steps[2].task->connector = "capture";
  EXPECT_EQ(texts(lint(d, context()).errors),
            (Lines{"channel mini, step issue: task 'identity.issue' belongs to connector "
                   "'registry', not 'capture'"}));
}

TEST(WorkflowGraph, HandOverToAnUnknownChannel) {
  auto d = mini();
  d.steps[1].on_exhausted = {Exhaustion::hand_over, std::chrono::seconds(0), "kiosk"};
  EXPECT_EQ(texts(lint(d, context()).errors),
            (Lines{"channel mini, step card-front: hands over to unknown channel 'kiosk' "
                   "(known: mini, officer-assisted)"}));
  EXPECT_TRUE(build_graph(d).has_edge("card-front", "hand_over:kiosk", EdgeKind::hand_over));
}

TEST(WorkflowGraph, HandOverToAKnownChannel) {
  auto d = mini();
  d.steps[1].on_exhausted = {Exhaustion::hand_over, std::chrono::seconds(0), "officer-assisted"};
  const Graph g = build_graph(d);
  EXPECT_TRUE(g.has_edge("card-front", "hand_over:officer-assisted", EdgeKind::hand_over));
  EXPECT_TRUE(lint(d, context()).ok());
}

TEST(WorkflowGraph, UnlimitedTriesNeverLock) {
  auto d = mini();
  d.steps[0].on_exhausted = {Exhaustion::lock, std::chrono::seconds(60), ""};  // tries 0
  const auto report = lint(d, context());
  EXPECT_EQ(texts(report.errors), Lines{});
  EXPECT_EQ(texts(report.warnings), (Lines{"channel mini, step accept-terms: on_exhausted lock "
                                           "never happens: tries is 0 (unlimited)"}));
  EXPECT_EQ(build_graph(d).outcome("locked"), build_graph(d).nodes.size());
}

TEST(WorkflowGraph, ALockLeadsBackAfterTheCoolDown) {
  auto d = mini();
  d.steps[0].tries = 3;
  d.steps[0].on_exhausted = {Exhaustion::lock, std::chrono::seconds(60), ""};
  const Graph g = build_graph(d);
  EXPECT_TRUE(g.has_edge("accept-terms", "locked", EdgeKind::locked));
  EXPECT_TRUE(g.has_edge("locked", "accept-terms", EdgeKind::cool_down));
  EXPECT_FALSE(g.has_edge("accept-terms", "rejected", EdgeKind::rejected));
  const auto report = lint(d, context());
  EXPECT_EQ(texts(report.errors), Lines{});
  EXPECT_EQ(texts(report.warnings), Lines{});
}

TEST(WorkflowGraph, Mermaid) {
  const Graph g = build_graph(mini());
  const auto issued = std::to_string(g.outcome("issued"));
  const auto cancelled = std::to_string(g.outcome("cancelled"));
  const auto text = to_mermaid(g);
  EXPECT_TRUE(starts_with(text, "flowchart LR\n"));
  EXPECT_TRUE(contains(text, "  s0[\"accept-terms\"]\n"));
  EXPECT_TRUE(contains(text, "  o" + issued + "([\"issued\"])\n"));
  EXPECT_TRUE(contains(text, "  s0 -->|done| s1\n"));
  EXPECT_TRUE(contains(text, "  s1 -->|retake| s1\n"));
  EXPECT_TRUE(contains(text, "  s2 -->|done| o" + issued + "\n"));
  EXPECT_TRUE(contains(text, "  s0 -.->|cancel| o" + cancelled + "\n"));
}

TEST(WorkflowGraph, Dot) {
  const Graph g = build_graph(mini());
  const auto issued = std::to_string(g.outcome("issued"));
  const auto text = to_dot(g);
  EXPECT_TRUE(starts_with(text, "digraph \"mini v1\" {\n"));
  EXPECT_TRUE(contains(text, "  s1 [label=\"card-front\"];\n"));
  EXPECT_TRUE(contains(text, "  o" + issued + " [label=\"issued\", shape=ellipse];\n"));
  EXPECT_TRUE(contains(text, "  s0 -> s1 [label=\"done\"];\n"));
  EXPECT_TRUE(contains(text, "  s1 -> s1 [label=\"retry\"];\n"));
  EXPECT_TRUE(contains(text, "  s2 -> o" + issued + " [label=\"done\"];\n"));
  EXPECT_TRUE(contains(text, "style=dashed"));
  EXPECT_EQ(text.back(), '\n');
}

}  // namespace
}  // namespace enroll
