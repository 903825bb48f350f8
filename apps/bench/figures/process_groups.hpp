#pragma once
// Processes reported under one name are summed: several enrollmentd instances, the masters
// of a Redis Cluster, the nodes of a Kafka cluster. Each member stays in the report too (the
// spread over instances or masters is what a scale run looks at).
#include <optional>
#include <string>
#include <vector>

namespace enroll::bench {

// One process's readings over the measured run (nullopt: could not be read).
struct ProcessReading {
  std::string name;
  int pid = 0;
  std::optional<double> cpu_s;       // CPU used during the run
  std::optional<long> peak_rss_kib;  // VmHWM at the end
};

struct ProcessMember {
  int pid = 0;
  double cpu_s = 0;
  std::optional<long> peak_rss_kib;
};

struct ProcessCpu {
  std::string name;
  double seconds = 0;  // the members' sum, used during the measured run
  std::optional<long>
      peak_rss_kib;  // the sum of the members' own peaks (nullopt if one is unknown)
  std::vector<ProcessMember> members;
};

struct ProcessGroups {
  std::vector<ProcessCpu> groups;  // in the order of the names' first reading
  // Names left out because a member's CPU could not be read: a sum over the others would
  // pass for the whole.
  std::vector<std::string> unreadable;
};

ProcessGroups group_readings(const std::vector<ProcessReading>& readings);

}  // namespace enroll::bench
