#pragma once
// CPU time a process has used so far (user + system, all threads), from /proc/<pid>/stat.
#include <optional>

namespace enroll::bench {

// nullopt if the process is gone or its stat cannot be read. pid 0 means this process.
std::optional<double> cpu_seconds(int pid);

}  // namespace enroll::bench
