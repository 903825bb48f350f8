#include "apps/bench/pipeline_stages.hpp"

#include <charconv>
#include <sstream>

#include "adapters/service_client/service_client.hpp"

namespace enroll::bench {

std::map<std::string, double> labelled_series(const std::string& metrics,
                                              const std::string& family) {
  std::map<std::string, double> out;
  std::istringstream lines(metrics);
  std::string line;
  const std::string head = family + "{";
  while (std::getline(lines, line)) {
    if (line.rfind(head, 0) != 0) continue;
    // family{label="value"} number
    const auto open = line.find('"', head.size());
    const auto close = open == std::string::npos ? open : line.find('"', open + 1);
    const auto space = close == std::string::npos ? close : line.find(' ', close);
    if (space == std::string::npos) continue;
    double value = 0;
    const char* first = line.data() + space + 1;
    const char* last = line.data() + line.size();
    if (std::from_chars(first, last, value).ec != std::errc{}) continue;
    out[line.substr(open + 1, close - open - 1)] = value;
  }
  return out;
}

double series_value(const std::string& metrics, const std::string& name) {
  std::istringstream lines(metrics);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.size() <= name.size() || line.rfind(name, 0) != 0 || line[name.size()] != ' ') {
      continue;
    }
    double value = 0;
    const char* first = line.data() + name.size() + 1;
    if (std::from_chars(first, line.data() + line.size(), value).ec == std::errc{}) return value;
  }
  return 0;
}

std::optional<PipelineFigures> pipeline_figures(const std::string& api,
                                                const std::string& ca_file) {
  try {
    const client::ServiceClient service(client::parse_service_url(api), "", ca_file,
                                        std::chrono::seconds(5));
    const auto answer = service.get("/metrics");
    if (answer.status != 200) return std::nullopt;
    PipelineFigures f;
    f.stage_cpu = labelled_series(answer.body, "enroll_pipeline_cpu_seconds_total");
    if (f.stage_cpu.empty()) return std::nullopt;
    f.consumed = series_value(answer.body, "enroll_events_consumed_total");
    f.commits = series_value(answer.body, "enroll_commits_total");
    return f;
  } catch (const std::exception&) {
    return std::nullopt;  // the table is left out; the run's other figures stand
  }
}

}  // namespace enroll::bench
