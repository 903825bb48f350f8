#pragma once
// A Redis of one test's own (the shared one serves the other tests): loopback, a free port, its
// own folder for the AOF and the dump, the extra configuration the test asks for. Started by
// the constructor, killed by the destructor (or by the test, to crash it).
#include <filesystem>
#include <memory>
#include <string>

#include "tests/support/child_process.hpp"

namespace enroll::test {

class PrivateRedis {
 public:
  // `config`: redis.conf lines after bind, port and dir (e.g. "appendonly yes\n").
  PrivateRedis(const std::string& name, const std::string& config);
  ~PrivateRedis();
  PrivateRedis(const PrivateRedis&) = delete;
  PrivateRedis& operator=(const PrivateRedis&) = delete;

  // Starts it (again, after a kill: from its AOF) and waits until it answers; throws if not.
  void start();
  [[nodiscard]] ChildProcess& process() { return *server_; }
  [[nodiscard]] std::string url() const;
  [[nodiscard]] const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  int port_ = 0;
  std::unique_ptr<ChildProcess> server_;
};

}  // namespace enroll::test
