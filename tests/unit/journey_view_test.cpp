// What the dashboard draws (journey_view.hpp) from the read model's counters: each step's
// registrations by status, each edge's moves of the last hour, what does not fit the graph
// kept under `elsewhere`, and the activity per minute with every minute present.
#include "service/http/journey_view.hpp"

#include <gtest/gtest.h>

namespace enroll::http {
namespace {

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

// accept-terms -> verify-card (registry task) -> issue (registry task).
ChannelDefinition mini() {
  ChannelDefinition d;
  d.channel = "mini";
  d.version = 2;
  d.steps.push_back(step("accept-terms", RegistrationState::consent, "accept_terms",
                         {CommandType::terms_accept}));
  d.steps.push_back(step("verify-card", RegistrationState::review, "verify_card", {},
                         TaskRef{"registry", "card.verify", nlohmann::json::object()}));
  d.steps.push_back(step("issue", RegistrationState::issued, "issue_identity", {},
                         TaskRef{"registry", "identity.issue", nlohmann::json::object()}));
  return d;
}

const nlohmann::ordered_json& node(const nlohmann::ordered_json& view, const std::string& name) {
  for (const auto& n : view.at("nodes")) {
    if (n.at("name") == name) return n;
  }
  throw std::runtime_error("no node " + name);
}

std::int64_t edge(const nlohmann::ordered_json& view, const std::string& from,
                  const std::string& to, const std::string& kind) {
  const auto& nodes = view.at("nodes");
  for (const auto& e : view.at("edges")) {
    if (nodes.at(e.at("from").get<std::size_t>()).at("name") == from &&
        nodes.at(e.at("to").get<std::size_t>()).at("name") == to && e.at("kind") == kind) {
      return e.at("last_hour");
    }
  }
  throw std::runtime_error("no edge " + from + " -> " + to + " " + kind);
}

TEST(JourneyView, CountsEachStepByStatusAndEachEdgeOverTheMinutes) {
  const auto def = mini();
  const auto graph = build_graph(def);
  const std::map<std::string, std::map<std::string, std::int64_t>> steps{
      {"accept-terms", {{"active", 4}}},
      // Every status by its name (incidents too).
      {"verify-card", {{"active", 2}, {"incident", 3}, {"rejected", 1}}},
      {"old-step", {{"active", 1}}}};  // of an older version: not on this graph
  const redis::ActivityCounts minutes{
      {100,
       {{"applied", 9},
        {"e:mini:accept-terms:verify-card", 5},
        {"e:mini:verify-card:rejected", 1},
        {"e:other:accept-terms:verify-card", 7}}},  // another channel
      {101,
       {{"e:mini:accept-terms:verify-card", 2},
        {"e:mini:verify-card:incident", 3},  // retries ran out: the incident edge
        {"e:mini:issue:issued", 1}}}};
  const auto view = journey_view(def, graph, steps, minutes);

  EXPECT_EQ(view.at("channel"), "mini");
  EXPECT_EQ(view.at("version"), 2);
  EXPECT_EQ(view.at("nodes").size(), graph.nodes.size());
  const auto& verify = node(view, "verify-card");
  EXPECT_EQ(verify.at("kind"), "step");
  EXPECT_EQ(verify.at("phase"), "review");
  EXPECT_EQ(verify.at("step_kind"), "verify_card");
  EXPECT_EQ(verify.at("task"), "card.verify");
  EXPECT_EQ(verify.at("registrations"),
            (nlohmann::ordered_json{{"active", 2}, {"incident", 3}, {"rejected", 1}}));
  EXPECT_TRUE(node(view, "accept-terms").at("task").is_null());
  // Nobody at the step: waiting shown as 0 all the same.
  EXPECT_EQ(node(view, "issue").at("registrations"), (nlohmann::ordered_json{{"active", 0}}));
  EXPECT_EQ(node(view, "issued").at("kind"), "outcome");
  EXPECT_FALSE(node(view, "issued").contains("registrations"));

  EXPECT_EQ(edge(view, "accept-terms", "verify-card", "done"), 7);  // both minutes, this channel
  EXPECT_EQ(edge(view, "verify-card", "rejected", "rejected"), 1);
  EXPECT_EQ(edge(view, "issue", "issued", "done"), 1);
  EXPECT_EQ(edge(view, "verify-card", "issue", "done"), 0);
  EXPECT_EQ(edge(view, "verify-card", "verify-card", "retry"), 0);  // not a move

  EXPECT_EQ(view.at("elsewhere").at("steps"),
            (nlohmann::ordered_json{{"old-step", {{"active", 1}}}}));
  // Into an incident: the graph's own edge (a task's retries ran out).
  EXPECT_EQ(edge(view, "verify-card", "incident", "incident"), 3);
  EXPECT_EQ(view.at("elsewhere").at("moves"), nlohmann::ordered_json::array());
}

TEST(JourneyView, WithNoCountersEveryStepAndEdgeIsZero) {
  const auto def = mini();
  const auto view = journey_view(def, build_graph(def), {}, {});
  for (const auto& n : view.at("nodes")) {
    if (n.at("kind") == "step") {
      EXPECT_EQ(n.at("registrations").at("active"), 0) << n;
    }
  }
  for (const auto& e : view.at("edges")) EXPECT_EQ(e.at("last_hour"), 0) << e;
  EXPECT_TRUE(view.at("elsewhere").at("steps").empty());
  EXPECT_TRUE(view.at("elsewhere").at("moves").empty());
}

TEST(ActivityView, EveryMinuteOfTheRangeOldestFirstWithFailuresByTask) {
  const redis::ActivityCounts minutes{
      {28000000, {{"applied", 4}, {"f:card.verify", 2}, {"f:other", 1}, {"e:mini:a:b", 9}}},
      {28000002, {{"applied", 1}}},
      {28000009, {{"applied", 100}}}};  // outside the range
  const auto view = activity_view(minutes, 28000000, 28000003);
  ASSERT_EQ(view.size(), 4u);
  EXPECT_EQ(view[0].at("at"), "2023-03-28T10:40:00.000Z");
  EXPECT_EQ(view[0].at("applied"), 4);
  EXPECT_EQ(view[0].at("failed"), 3);
  EXPECT_EQ(view[0].at("failures"), (nlohmann::ordered_json{{"card.verify", 2}, {"other", 1}}));
  EXPECT_EQ(view[1].at("at"), "2023-03-28T10:41:00.000Z");
  EXPECT_EQ(view[1].at("applied"), 0);
  EXPECT_EQ(view[1].at("failed"), 0);
  EXPECT_TRUE(view[1].at("failures").empty());
  EXPECT_EQ(view[2].at("applied"), 1);
  EXPECT_EQ(view[3].at("applied"), 0);
}

}  // namespace
}  // namespace enroll::http
