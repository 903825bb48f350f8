#include "apps/bench/process_cpu.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace enroll::bench {
namespace {

std::string proc_file(int pid, const char* name) {
  return "/proc/" + (pid == 0 ? std::string("self") : std::to_string(pid)) + "/" + name;
}

}  // namespace

std::optional<double> cpu_seconds(int pid) {
  std::ifstream in(proc_file(pid, "stat"));
  std::string stat;
  if (!std::getline(in, stat)) return std::nullopt;
  // The command name (field 2) is in parentheses and may hold spaces: count from the last ')'.
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(stat.substr(close + 1));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int n = 3; n <= 15 && fields >> field; ++n) {  // utime is field 14, stime 15
    if (n == 14) utime = std::stoull(field);
    if (n == 15) stime = std::stoull(field);
  }
  if (!fields) return std::nullopt;
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::optional<long> peak_rss_kib(int pid) {
  std::ifstream in(proc_file(pid, "status"));
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("VmHWM:", 0) != 0) continue;
    std::istringstream fields(line.substr(6));
    long kib = 0;
    if (fields >> kib) return kib;  // "VmHWM:   123456 kB"
    return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace enroll::bench
