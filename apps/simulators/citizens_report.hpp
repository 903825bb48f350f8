#pragma once
// What enroll-sim-citizens prints: the progress line and the summary per channel.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <ostream>

#include "sim/citizen_driver.hpp"

namespace enroll::sim {

// "[citizens] 37/100 finished (issued 30, rejected 2, ...) 4.1s" on stderr.
void print_progress(const CitizenDriver& driver, int total, double seconds, bool tty);

// {"channels": {"<channel>": {"registrations", "outcomes", "personas", "mean_duration_s",
//  "start_rejected_reason"?}}, "registrations", "outcomes" (totals), "seconds",
//  "mean_duration_s"}
nlohmann::json summary_json(const CitizenDriver& driver, double seconds);
void print_summary(std::ostream& out, const CitizenDriver& driver, double seconds);

}  // namespace enroll::sim
