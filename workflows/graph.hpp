#pragma once
// A channel's transition graph, built from its definition and the step kinds, drawn as
// Mermaid or Graphviz DOT by `enrollctl workflows graph`; and the lint of the rules across
// steps that the loader runs last. Pure: no I/O. What the lint needs to know about the world
// (connector tasks, other channels) is passed in, because workflows/ must not depend on
// adapters/codec/ where the task schemas are embedded.
#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "workflows/definition.hpp"

namespace enroll {

// Why the registration may move along an edge.
enum class EdgeKind {
  done,       // the step completed: the next step, or `issued` after the last
  retake,     // the citizen is asked again (a try used)
  retry,      // a retryable connector error: the task is sent again
  back,       // the kind sends the registration back to an earlier step
  rejected,   // a permanent failure or exhausted tries/retries
  locked,     // tries exhausted with on_exhausted lock
  cool_down,  // from `locked` back to the step once the cool-down has passed
  hand_over,  // tries exhausted with on_exhausted hand_over
  incident,   // a task's retries exhausted (retry.on_exhausted incident): parked for an operator
  resume,     // from `incident` back to the step: an operator's retry
  cancel,     // registration.cancel (possible in every step)
  expire,     // no progress for expire_after_s (possible in every step)
};
std::string_view to_string(EdgeKind kind);

struct GraphNode {
  enum class Kind { step, outcome };
  Kind kind = Kind::step;
  // A step's name; for outcomes issued, rejected, expired, cancelled, locked, incident or
  // hand_over:<channel>. Edges refer to nodes by index, so a step named like an outcome
  // stays a distinct node.
  std::string name;
};

struct GraphEdge {
  std::size_t from = 0;
  std::size_t to = 0;
  EdgeKind kind = EdgeKind::done;
};

struct Graph {
  std::string channel;
  int version = 1;
  // The steps first, in definition order (node i is step i), then the outcomes that some
  // edge reaches (issued, expired and cancelled always; rejected, locked and hand-overs
  // when a step can end so).
  std::vector<GraphNode> nodes;
  std::vector<GraphEdge> edges;  // no duplicates

  [[nodiscard]] std::size_t step_count() const;
  // Index of the outcome node `name`, or nodes.size() if the graph has none.
  [[nodiscard]] std::size_t outcome(std::string_view name) const;
  // Whether there is an edge named by node names (tests and tools).
  [[nodiscard]] bool has_edge(std::string_view from, std::string_view to, EdgeKind kind) const;
};

// Unknown step kinds, or go-back targets that are not steps, add no edges (the lint reports
// them). A step awaiting nothing (no expects, no task) can never complete: it gets no `done`
// edge.
Graph build_graph(const ChannelDefinition& def);

// What the lint checks names against, filled by the caller.
struct LintContext {
  // task name -> the connector that serves it (the x-connector of schemas/tasks/<task>).
  std::map<std::string, std::string> known_tasks;
  // Channels a hand-over may name (usually every loaded channel, this one included).
  std::set<std::string> known_channels;
};

struct LintFinding {
  std::size_t step = 0;  // index into the definition's steps
  std::string text;      // names the channel and the step
};

struct LintReport {
  std::vector<LintFinding> errors;    // the definition must not be used
  std::vector<LintFinding> warnings;  // legal but probably not what the author meant
  [[nodiscard]] bool ok() const { return errors.empty(); }
};

// The rules across a definition's steps and against the world, on a definition whose steps
// each passed their own checks (definition_loader.hpp): unique step names, phases in the
// canonical order, known tasks of the right connector, known hand-over channels. That each
// step awaits something is checked per step, and it is what makes every step reachable and
// every path end (each step's `done` edge leads to the next, the last one's to issued).
LintReport lint(const ChannelDefinition& def, const LintContext& context);

// `flowchart LR`: steps as boxes, outcomes as rounded nodes, cancel/expire edges dotted.
std::string to_mermaid(const Graph& graph);
// `digraph`: steps as boxes, outcomes as ellipses, cancel/expire edges dashed.
std::string to_dot(const Graph& graph);

}  // namespace enroll
