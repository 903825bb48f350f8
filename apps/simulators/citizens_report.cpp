#include "apps/simulators/citizens_report.hpp"

#include <string>

namespace enroll::sim {
namespace {

nlohmann::json outcomes_json(const std::map<Outcome, std::size_t>& counts) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [outcome, n] : counts) j[std::string(to_string(outcome))] = n;
  return j;
}

}  // namespace

void print_progress(const CitizenDriver& d, int total, double seconds, bool tty) {
  std::string counts;
  for (const auto& [outcome, n] : d.outcome_counts()) {
    if (outcome == Outcome::pending) continue;
    counts +=
        (counts.empty() ? "" : ", ") + std::string(to_string(outcome)) + " " + std::to_string(n);
  }
  std::fprintf(stderr, "%s[citizens] %zu/%d finished (%s) %.1fs%s", tty ? "\r" : "", d.finished(),
               total, counts.empty() ? "none yet" : counts.c_str(), seconds, tty ? "\033[K" : "");
  if (!tty) std::fputc('\n', stderr);
}

nlohmann::json summary_json(const CitizenDriver& d, double seconds) {
  nlohmann::json channels = nlohmann::json::object();
  for (const auto& [name, s] : d.channel_stats()) {
    nlohmann::json c{{"registrations", s.registrations},
                     {"outcomes", outcomes_json(s.outcomes)},
                     {"mean_duration_s", s.mean_duration_s}};
    nlohmann::json personas = nlohmann::json::object();
    for (const auto& [p, n] : s.personas) personas[std::string(to_string(p))] = n;
    c["personas"] = std::move(personas);
    if (!s.start_rejected_reason.empty()) c["start_rejected_reason"] = s.start_rejected_reason;
    channels[name] = std::move(c);
  }
  return {{"channels", std::move(channels)},
          {"registrations", d.started()},
          {"outcomes", outcomes_json(d.outcome_counts())},
          {"seconds", seconds},
          {"mean_duration_s", d.mean_duration_s()}};
}

void print_summary(std::ostream& out, const CitizenDriver& d, double seconds) {
  const auto stats = d.channel_stats();
  if (stats.size() != 1) {
    out << d.started() << " registrations in " << seconds << " s (mean " << d.mean_duration_s()
        << " s each)\n";
  }
  for (const auto& [name, s] : stats) {
    out << "channel " << name << ": " << s.registrations << " registrations";
    if (stats.size() == 1) out << " in " << seconds << " s";
    out << " (mean " << s.mean_duration_s << " s each)\n";
    for (const auto& [outcome, n] : s.outcomes) {
      out << "  " << to_string(outcome) << ": " << n;
      if (outcome == Outcome::failed_to_start) {
        out << " (registration.start refused: " << s.start_rejected_reason
            << "; is the channel's definition loaded?)";
      }
      out << "\n";
    }
    if (!s.personas.empty()) {
      out << "  personas:";
      for (const auto& [p, n] : s.personas) out << " " << to_string(p) << " " << n;
      out << "\n";
    }
  }
}

}  // namespace enroll::sim
