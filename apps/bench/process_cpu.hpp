#pragma once
// CPU time a process has used so far (user + system, all threads), from /proc/<pid>/stat, and
// its peak resident memory (VmHWM), from /proc/<pid>/status.
#include <optional>

namespace enroll::bench {

// nullopt if the process is gone or its stat cannot be read. pid 0 means this process.
std::optional<double> cpu_seconds(int pid);

// The most resident memory the process has had since it started (VmHWM), in KiB; nullopt as
// above. pid 0 means this process.
std::optional<long> peak_rss_kib(int pid);

}  // namespace enroll::bench
