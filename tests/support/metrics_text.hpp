#pragma once
// /metrics (Prometheus text format) as a test reads it.
#include <map>
#include <string>

namespace enroll::test {

// Every sample line by its series (name and labels as rendered, e.g.
// `enroll_step_failures_total{task="card.verify",code="unavailable"}`). Fails the test on a
// line that is not a comment or a sample, or a sample of a family without TYPE.
std::map<std::string, double> parse_metrics(const std::string& text);

// The sum of a family's series (0 if it has none).
double sum_of(const std::map<std::string, double>& metrics, const std::string& family);

}  // namespace enroll::test
