#include "workflows/graph.hpp"

#include <algorithm>
#include <sstream>

#include "workflows/steps/step_kind.hpp"

namespace enroll {

std::string_view to_string(EdgeKind kind) {
  switch (kind) {
    case EdgeKind::done:
      return "done";
    case EdgeKind::retake:
      return "retake";
    case EdgeKind::retry:
      return "retry";
    case EdgeKind::back:
      return "back";
    case EdgeKind::rejected:
      return "rejected";
    case EdgeKind::locked:
      return "locked";
    case EdgeKind::cool_down:
      return "cool-down";
    case EdgeKind::hand_over:
      return "hand over";
    case EdgeKind::incident:
      return "incident";
    case EdgeKind::resume:
      return "operator retry";
    case EdgeKind::cancel:
      return "cancel";
    case EdgeKind::expire:
      return "expire";
  }
  return "?";
}

std::size_t Graph::step_count() const {
  return static_cast<std::size_t>(std::count_if(
      nodes.begin(), nodes.end(), [](const auto& n) { return n.kind == GraphNode::Kind::step; }));
}

std::size_t Graph::outcome(std::string_view name) const {
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].kind == GraphNode::Kind::outcome && nodes[i].name == name) return i;
  }
  return nodes.size();
}

bool Graph::has_edge(std::string_view from, std::string_view to, EdgeKind kind) const {
  return std::any_of(edges.begin(), edges.end(), [&](const GraphEdge& e) {
    return e.kind == kind && nodes[e.from].name == from && nodes[e.to].name == to;
  });
}

// ---- building -------------------------------------------------------------------------

namespace {

constexpr std::string_view kHandOverPrefix = "hand_over:";

// An edge end before the outcome nodes exist: a step index or an outcome name.
struct End {
  std::size_t step = 0;
  std::string outcome;  // empty: the end is `step`
};

struct PendingEdge {
  End from;
  End to;
  EdgeKind kind;
};

End step_end(std::size_t i) { return End{i, {}}; }
End outcome_end(std::string name) { return End{0, std::move(name)}; }

// The edges leaving step `i` (and the cool-down edge back into it), per the rules in
// graph.hpp: what the step kind declares plus what the step's tries and retries allow.
void step_edges(const ChannelDefinition& def, std::size_t i, std::vector<PendingEdge>& out) {
  const StepDef& s = def.steps[i];
  const StepKind* kind = find_step_kind(s.kind);
  const auto self = step_end(i);
  const bool awaits = !s.expects.empty() || s.task.has_value();
  if (awaits) {
    out.push_back(
        {self, i + 1 < def.steps.size() ? step_end(i + 1) : outcome_end("issued"), EdgeKind::done});
  }
  // tries == 1: the first failure already exhausts the step.
  if (!s.expects.empty() && s.tries != 1) out.push_back({self, self, EdgeKind::retake});
  if (s.task && s.retry.max_attempts > 1) out.push_back({self, self, EdgeKind::retry});
  if (kind != nullptr) {
    for (const auto& target : kind->go_back_targets(def, s)) {
      if (const auto t = def.index_of(target)) out.push_back({self, step_end(*t), EdgeKind::back});
    }
  }
  const bool tries_exhaust = s.tries > 0;  // 0 = unlimited: never exhausted
  const auto action = s.on_exhausted.action;
  // A task may fail for good (a permanent error); its exhausted retries park the registration
  // as an incident unless the step's retry policy says reject.
  const bool rejects = (kind != nullptr && kind->may_reject()) || s.task.has_value() ||
                       (tries_exhaust && action == Exhaustion::reject);
  if (rejects) out.push_back({self, outcome_end("rejected"), EdgeKind::rejected});
  if (s.task && s.retry.on_exhausted == RetriesExhausted::incident) {
    out.push_back({self, outcome_end("incident"), EdgeKind::incident});
    out.push_back({outcome_end("incident"), self, EdgeKind::resume});
  }
  if (tries_exhaust && action == Exhaustion::lock) {
    out.push_back({self, outcome_end("locked"), EdgeKind::locked});
    out.push_back({outcome_end("locked"), self, EdgeKind::cool_down});
  }
  if (tries_exhaust && action == Exhaustion::hand_over) {
    out.push_back({self, outcome_end(std::string(kHandOverPrefix) + s.on_exhausted.channel),
                   EdgeKind::hand_over});
  }
  out.push_back({self, outcome_end("cancelled"), EdgeKind::cancel});
  out.push_back({self, outcome_end("expired"), EdgeKind::expire});
}

// Outcome nodes in a fixed reading order, whatever order the edges were found in.
int outcome_rank(std::string_view name) {
  if (name == "issued") return 0;
  if (name == "rejected") return 1;
  if (name == "locked") return 2;
  if (name == "incident") return 3;
  if (name.substr(0, kHandOverPrefix.size()) == kHandOverPrefix) return 4;
  if (name == "expired") return 5;
  return 6;  // cancelled
}

}  // namespace

Graph build_graph(const ChannelDefinition& def) {
  Graph g;
  g.channel = def.channel;
  g.version = def.version;
  for (const auto& s : def.steps) g.nodes.push_back({GraphNode::Kind::step, s.name});

  std::vector<PendingEdge> pending;
  for (std::size_t i = 0; i < def.steps.size(); ++i) step_edges(def, i, pending);

  std::vector<std::string> outcomes;
  for (const auto& e : pending) {
    for (const End* end : {&e.from, &e.to}) {
      if (!end->outcome.empty() &&
          std::find(outcomes.begin(), outcomes.end(), end->outcome) == outcomes.end()) {
        outcomes.push_back(end->outcome);
      }
    }
  }
  std::stable_sort(outcomes.begin(), outcomes.end(), [](const auto& a, const auto& b) {
    const int ra = outcome_rank(a);
    const int rb = outcome_rank(b);
    return ra != rb ? ra < rb : a < b;
  });
  for (const auto& o : outcomes) g.nodes.push_back({GraphNode::Kind::outcome, o});

  const auto index = [&](const End& end) {
    return end.outcome.empty() ? end.step : g.outcome(end.outcome);
  };
  for (const auto& e : pending) {
    const GraphEdge edge{index(e.from), index(e.to), e.kind};
    const bool seen = std::any_of(g.edges.begin(), g.edges.end(), [&](const GraphEdge& x) {
      return x.from == edge.from && x.to == edge.to && x.kind == edge.kind;
    });
    if (!seen) g.edges.push_back(edge);
  }
  return g;
}

// ---- lint ------------------------------------------------------------------------------

namespace {

template <class Range>
std::string join(const Range& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out.empty() ? "none" : out;
}

class Linter {
 public:
  Linter(const ChannelDefinition& def, const LintContext& ctx) : def_(def), ctx_(ctx) {
    for (const auto& [name, connector] : ctx_.known_tasks) connectors_.insert(connector);
  }

  LintReport run() {
    std::set<std::string> names;
    for (std::size_t i = 0; i < def_.steps.size(); ++i) {
      const StepDef& s = def_.steps[i];
      if (!names.insert(s.name).second) error(i, "duplicate step name");
      // The registration machine only moves forward through the phases.
      if (i > 0 && s.phase < def_.steps[i - 1].phase) {
        error(i, "phase " + std::string(to_string(s.phase)) + " comes after " +
                     std::string(to_string(def_.steps[i - 1].phase)));
      }
      exhaustion(i);
      task(i);
      hand_over(i);
    }
    return report_;
  }

 private:
  void error(std::size_t i, const std::string& what) {
    report_.errors.push_back({i, where(i) + what});
  }
  void warning(std::size_t i, const std::string& what) {
    report_.warnings.push_back({i, where(i) + what});
  }
  std::string where(std::size_t i) const {
    return "channel " + def_.channel + ", step " + def_.steps[i].name + ": ";
  }

  // Legal (the step just never exhausts; expiry still ends the registration), but the
  // author asked for an exhaustion that cannot happen.
  void exhaustion(std::size_t i) {
    const StepDef& s = def_.steps[i];
    const auto action = s.on_exhausted.action;
    if (s.tries == 0 && action != Exhaustion::reject) {
      warning(i, "on_exhausted " + std::string(to_string(action)) +
                     " never happens: tries is 0 (unlimited)");
    }
  }

  void task(std::size_t i) {
    const StepDef& s = def_.steps[i];
    if (!s.task) return;
    const auto& t = *s.task;
    std::vector<std::string> tasks;
    for (const auto& [name, connector] : ctx_.known_tasks) tasks.push_back(name);
    const auto it = ctx_.known_tasks.find(t.name);
    if (connectors_.count(t.connector) == 0) {
      error(i, "unknown connector '" + t.connector + "' (known: " + join(connectors_) + ")");
    }
    if (it == ctx_.known_tasks.end()) {
      error(i, "unknown task '" + t.name + "' (known: " + join(tasks) + ")");
    } else if (connectors_.count(t.connector) != 0 && it->second != t.connector) {
      error(i, "task '" + t.name + "' belongs to connector '" + it->second + "', not '" +
                   t.connector + "'");
    }
  }

  void hand_over(std::size_t i) {
    const StepDef& s = def_.steps[i];
    if (s.on_exhausted.action != Exhaustion::hand_over) return;
    const auto& target = s.on_exhausted.channel;
    if (ctx_.known_channels.count(target) == 0) {
      error(i, "hands over to unknown channel '" + target +
                   "' (known: " + join(ctx_.known_channels) + ")");
    } else if (target == def_.channel) {
      warning(i, "hands over to its own channel");
    }
  }

  const ChannelDefinition& def_;
  const LintContext& ctx_;
  std::set<std::string> connectors_;
  LintReport report_;
};

}  // namespace

LintReport lint(const ChannelDefinition& def, const LintContext& context) {
  return Linter(def, context).run();
}

// ---- drawing ---------------------------------------------------------------------------

namespace {

// Node ids are positional (s<i> for steps, o<i> for outcomes): step and channel names may
// hold characters ('-', ':') that the drawing languages treat as syntax.
std::string node_id(const Graph& g, std::size_t i) {
  return (g.nodes[i].kind == GraphNode::Kind::step ? "s" : "o") + std::to_string(i);
}

bool is_exit(EdgeKind k) { return k == EdgeKind::cancel || k == EdgeKind::expire; }

std::string escaped(std::string_view text, std::string_view quote_as) {
  std::string out;
  for (const char c : text) {
    if (c == '"') {
      out += quote_as;
    } else if (c == '\\' && quote_as == "\\\"") {
      out += "\\\\";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string to_mermaid(const Graph& g) {
  std::ostringstream out;
  out << "flowchart LR\n";
  out << "  %% channel " << g.channel << " v" << g.version << "\n";
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    const auto label = escaped(g.nodes[i].name, "#quot;");
    if (g.nodes[i].kind == GraphNode::Kind::step) {
      out << "  " << node_id(g, i) << "[\"" << label << "\"]\n";
    } else {
      out << "  " << node_id(g, i) << "([\"" << label << "\"])\n";
    }
  }
  for (const auto& e : g.edges) {
    out << "  " << node_id(g, e.from) << (is_exit(e.kind) ? " -.->|" : " -->|") << to_string(e.kind)
        << "| " << node_id(g, e.to) << "\n";
  }
  return out.str();
}

std::string to_dot(const Graph& g) {
  std::ostringstream out;
  out << "digraph \"" << escaped(g.channel, "\\\"") << " v" << g.version << "\" {\n";
  out << "  rankdir=LR;\n  node [shape=box];\n";
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    out << "  " << node_id(g, i) << " [label=\"" << escaped(g.nodes[i].name, "\\\"") << "\""
        << (g.nodes[i].kind == GraphNode::Kind::outcome ? ", shape=ellipse" : "") << "];\n";
  }
  for (const auto& e : g.edges) {
    out << "  " << node_id(g, e.from) << " -> " << node_id(g, e.to) << " [label=\""
        << to_string(e.kind) << "\"" << (is_exit(e.kind) ? ", style=dashed" : "") << "];\n";
  }
  out << "}\n";
  return out.str();
}

}  // namespace enroll
