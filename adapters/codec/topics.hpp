#pragma once
// The contract's topic names under a configurable prefix (default "enroll.").
#include <string>

namespace enroll {

struct Topics {
  std::string prefix = "enroll.";
  [[nodiscard]] std::string inbox() const { return prefix + "inbox"; }
  [[nodiscard]] std::string events() const { return prefix + "events"; }
  [[nodiscard]] std::string audit() const { return prefix + "audit"; }
  [[nodiscard]] std::string dlq() const { return prefix + "dlq"; }
  [[nodiscard]] std::string requests(const std::string& connector) const {
    return prefix + "requests." + connector;
  }
};

}  // namespace enroll
