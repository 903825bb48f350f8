#include "connectors/sim/task_types.hpp"

#include <functional>

namespace enroll::sim {

bool chance(const std::string& key, double rate, std::uint64_t seed) {
  if (rate <= 0) return false;
  const std::uint64_t h = std::hash<std::string>{}(key) ^ (seed * 0x9e3779b97f4a7c15ULL);
  return static_cast<double>(h % 1'000'000) < rate * 1'000'000.0;
}

}  // namespace enroll::sim
