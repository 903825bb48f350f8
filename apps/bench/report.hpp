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

#include "apps/bench/hash_cost.hpp"
#include "apps/bench/latency.hpp"
#include "apps/bench/redis_memory.hpp"

namespace enroll::bench {

struct ProcessCpu {
  std::string name;
  double seconds = 0;                // used during the measured run
  std::optional<long> peak_rss_kib;  // VmHWM at the end of the run
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
  std::vector<ProcessCpu> cpu;  // enrollmentd first when known
  MemoryEstimate memory;
  // enrollmentd's pipeline thread: CPU seconds by stage during the run (empty if unknown).
  std::map<std::string, double> stage_cpu;
  double messages_per_commit = 0;  // inbox messages per fenced commit step (0 if unknown)
  std::map<std::string, std::size_t> outcomes;
  std::optional<HashCost> hash;  // with --passcode-opslimit

  [[nodiscard]] double registrations_per_s() const;
  [[nodiscard]] double events_per_s() const;
  [[nodiscard]] double cpu_per_1000_events(const ProcessCpu& p) const;
  // µs per inbound event of `seconds` of CPU.
  [[nodiscard]] double us_per_event(double seconds) const;
};

nlohmann::json to_json(const Figures& f);
void print_human(std::ostream& out, const Figures& f);

}  // namespace enroll::bench
