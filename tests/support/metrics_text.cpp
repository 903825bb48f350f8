#include "tests/support/metrics_text.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>

namespace enroll::test {

std::map<std::string, double> parse_metrics(const std::string& text) {
  static const std::regex sample(R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$)");
  static const std::regex type(R"(^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram)$)");
  std::map<std::string, double> out;
  std::set<std::string> typed;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_match(line, m, type)) {
      typed.insert(m[1]);
      continue;
    }
    if (line.rfind("# HELP ", 0) == 0) continue;
    if (!std::regex_match(line, m, sample)) {
      ADD_FAILURE() << "not Prometheus text: " << line;
      continue;
    }
    std::string family = m[1];
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      const std::string s = suffix;
      if (!typed.count(family) && family.size() > s.size() &&
          family.compare(family.size() - s.size(), s.size(), s) == 0) {
        family = family.substr(0, family.size() - s.size());
      }
    }
    EXPECT_TRUE(typed.count(family)) << "no TYPE before " << line;
    out[std::string(m[1]) + std::string(m[2])] = std::stod(m[3]);
  }
  return out;
}

double sum_of(const std::map<std::string, double>& metrics, const std::string& family) {
  double sum = 0;
  for (const auto& [series, v] : metrics) {
    if (series == family || series.rfind(family + "{", 0) == 0) sum += v;
  }
  return sum;
}

}  // namespace enroll::test
