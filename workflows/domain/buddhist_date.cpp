#include "workflows/domain/buddhist_date.hpp"

#include <cstdio>

namespace enroll {

std::optional<std::string> buddhist_yyyymmdd(const std::string& iso) {
  int y = 0, m = 0, d = 0;
  if (std::sscanf(iso.c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3) return std::nullopt;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d", y + 543, m, d);
  return std::string(buf);
}

}  // namespace enroll
