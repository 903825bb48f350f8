#include "apps/bench/figures/process_groups.hpp"

#include <algorithm>

namespace enroll::bench {

ProcessGroups group_readings(const std::vector<ProcessReading>& readings) {
  ProcessGroups out;
  for (const auto& r : readings) {
    const auto dropped = [&](const std::string& n) { return n == r.name; };
    if (std::any_of(out.unreadable.begin(), out.unreadable.end(), dropped)) continue;
    auto group = std::find_if(out.groups.begin(), out.groups.end(),
                              [&](const ProcessCpu& g) { return g.name == r.name; });
    if (!r.cpu_s) {
      if (group != out.groups.end()) out.groups.erase(group);
      out.unreadable.push_back(r.name);
      continue;
    }
    if (group == out.groups.end()) {
      out.groups.push_back({r.name, 0, 0L, {}});
      group = std::prev(out.groups.end());
    }
    group->seconds += *r.cpu_s;
    if (group->peak_rss_kib && r.peak_rss_kib) {
      *group->peak_rss_kib += *r.peak_rss_kib;
    } else {
      group->peak_rss_kib.reset();
    }
    group->members.push_back({r.pid, *r.cpu_s, r.peak_rss_kib});
  }
  return out;
}

}  // namespace enroll::bench
