#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace enroll::test {

// A program under test, run as a child process (posix_spawn) with its stdout and stderr in a
// log file, so a failing test can print what it said (log()).
//
// Lifecycle: the constructor starts it (throws std::runtime_error if it cannot); stop() or
// the destructor ends it with SIGTERM, then SIGKILL after a grace period, and reaps it, so a
// test never leaves it behind (unless the test runner itself is killed). Not thread-safe:
// use one ChildProcess from one thread.
class ChildProcess {
 public:
  struct Options {
    std::vector<std::string> argv;             // argv[0]: a path, or a name looked up in PATH
    std::filesystem::path log_file;            // receives stdout and stderr
    std::map<std::string, std::string> env{};  // added to (or replacing) the inherited ones
    bool append_log = false;                   // else the log is truncated first
    // If set, stderr goes here instead (for a program whose stdout is its output).
    std::filesystem::path error_file{};
    // The child leads a process group of its own and signals go to the whole group: for a
    // program that starts helpers of its own (a browser), so that stop() ends them too.
    bool own_process_group = false;
  };

  explicit ChildProcess(Options options);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  const std::filesystem::path& log_file() const { return options_.log_file; }
  // The log's whole content so far (for failure messages).
  std::string log() const;

  // True until the process has exited (reaps it if it just did).
  bool running();
  // Waits up to `timeout` for the process to exit. Returns its exit status: the exit code,
  // or 128 + the signal number if a signal ended it; nullopt if it is still running.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  // Sends `signal` (e.g. SIGKILL to simulate a crash) if it is still running.
  void signal(int signal);
  // SIGTERM, up to `grace` for it to exit, then SIGKILL. Returns the exit status as
  // wait_exit() does; calling it again returns the same status.
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

 private:
  bool reap(bool block);

  Options options_;
  pid_t pid_ = -1;
  std::optional<int> status_;  // set once reaped
};

}  // namespace enroll::test
