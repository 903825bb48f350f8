#pragma once
// The figures of one run, printed for people (default) or as one JSON object (--json).
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "apps/bench/figures/metrics_text.hpp"
#include "apps/bench/figures/process_groups.hpp"
#include "apps/bench/hash_cost.hpp"
#include "apps/bench/latency.hpp"
#include "apps/bench/redis_memory.hpp"

namespace enroll::bench {

// One enrollmentd instance over the measured run.
struct InstanceFigures {
  std::string api;
  int pid = 0;                            // 0: not given
  std::optional<double> cpu_s;            // its process's CPU (nullopt: no pid or unreadable)
  std::optional<PipelineDelta> pipeline;  // from its /metrics (nullopt: not read)
};

struct Figures {
  int count = 0;
  int concurrency = 0;  // closed loop
  double rate = 0;      // open loop when > 0
  std::string channels;
  std::vector<std::pair<std::string, std::string>> labels;
  double wall_s = 0;
  std::int64_t inbound = 0;    // messages produced to the inbox during the run
  std::uint64_t commands = 0;  // of which the citizens' commands
  LatencySummary latency;
  std::size_t unanswered = 0;  // commands no enroll.events message named as its cause
  std::map<std::string, LatencySummary> latency_by_command;
  std::vector<ProcessCpu> cpu;  // enrollmentd first when known; one entry per name, summed
  MemoryEstimate memory;
  std::vector<MasterMemory> redis_masters;  // one for a single Redis
  int inbox_partitions = 0;
  // enrollmentd's pipeline threads: the instances' /metrics differences summed (nullopt if
  // one instance's could not be read), and each instance's.
  std::optional<PipelineDelta> pipeline;
  std::vector<InstanceFigures> instances;
  std::map<std::string, std::size_t> outcomes;
  std::optional<HashCost> hash;  // with --passcode-opslimit

  [[nodiscard]] double registrations_per_s() const;
  [[nodiscard]] double events_per_s() const;
  [[nodiscard]] double cpu_per_1000_events(const ProcessCpu& p) const;
  // µs per inbound event of `seconds` of CPU.
  [[nodiscard]] double us_per_event(double seconds) const;
  // The process group named `name` (nullptr if none).
  [[nodiscard]] const ProcessCpu* group(const std::string& name) const;
  // The CPU seconds of the watched process `pid` (nullopt if it is not watched).
  [[nodiscard]] std::optional<double> cpu_of_pid(long long pid) const;
  // Inbox messages per fenced commit step over every instance (0 if unknown).
  [[nodiscard]] double messages_per_commit() const;
};

nlohmann::json to_json(const Figures& f);
void print_human(std::ostream& out, const Figures& f);

}  // namespace enroll::bench
