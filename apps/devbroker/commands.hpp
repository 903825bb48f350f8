#pragma once

#include <string>
#include <string_view>

#include "apps/devbroker/mock_cluster.hpp"

namespace enroll::devbroker {

// The control protocol's interpreter: one request line (without its newline) in, one reply
// line out: "ok", "ok <data>" or "error <message>". README.md lists the commands.
//
// Threading: execute() may be called from any one thread at a time; the cluster it drives
// synchronises with its own thread.
class Commands {
 public:
  explicit Commands(const MockCluster& cluster) : cluster_(cluster) {}

  std::string execute(std::string_view line) const;

 private:
  const MockCluster& cluster_;
};

}  // namespace enroll::devbroker
