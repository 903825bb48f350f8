#include "apps/bench/report.hpp"

#include <cstdio>

namespace enroll::bench {
namespace {

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

nlohmann::json latency_json(const LatencySummary& s) {
  return {{"samples", s.samples}, {"p50", s.p50_ms}, {"p99", s.p99_ms}, {"max", s.max_ms}};
}

std::string mode_of(const Figures& f) {
  return f.rate > 0 ? "open loop, " + fixed(f.rate, 1) + " new registrations/s"
                    : "closed loop, " + std::to_string(f.concurrency) + " in flight";
}

// The run's registrations/s as a share of the machine's hashing limit.
double hash_limit_percent(const Figures& f) {
  const double limit = f.hash ? f.hash->limit_registrations_per_s() : 0;
  return limit > 0 ? 100 * f.registrations_per_s() / limit : 0;
}

}  // namespace

double Figures::registrations_per_s() const { return wall_s > 0 ? count / wall_s : 0; }

double Figures::events_per_s() const {
  return wall_s > 0 ? static_cast<double>(inbound) / wall_s : 0;
}

double Figures::us_per_event(double seconds) const {
  return inbound > 0 ? seconds * 1e6 / static_cast<double>(inbound) : 0;
}

double Figures::cpu_per_1000_events(const ProcessCpu& p) const {
  return inbound > 0 ? p.seconds * 1000.0 / static_cast<double>(inbound) : 0;
}

nlohmann::json to_json(const Figures& f) {
  nlohmann::json j;
  j["mode"] = f.rate > 0 ? "open" : "closed";
  if (f.rate > 0) {
    j["rate"] = f.rate;
  } else {
    j["concurrency"] = f.concurrency;
  }
  j["count"] = f.count;
  j["channels"] = f.channels;
  j["labels"] = nlohmann::json::object();
  for (const auto& [k, v] : f.labels) j["labels"][k] = v;
  j["wall_s"] = f.wall_s;
  j["registrations_per_s"] = f.registrations_per_s();
  j["inbound_events"] = f.inbound;
  j["commands"] = f.commands;
  j["events_per_s"] = f.events_per_s();
  j["latency_ms"] = latency_json(f.latency);
  j["latency_ms"]["unanswered"] = f.unanswered;
  for (const auto& [type, s] : f.latency_by_command) {
    j["latency_ms"]["by_command"][type] = latency_json(s);
  }
  j["cpu_s_per_1000_events"] = nlohmann::json::object();
  for (const auto& p : f.cpu) j["cpu_s_per_1000_events"][p.name] = f.cpu_per_1000_events(p);
  // The same for enrollmentd in the unit of the orchestration budget (µs per event).
  for (const auto& p : f.cpu) {
    if (p.name == "enrollmentd") {
      j["enrollmentd_cpu_us_per_event"] = f.cpu_per_1000_events(p) * 1000;
      if (!f.stage_cpu.empty()) {
        double thread = 0;
        for (const auto& [stage, sec] : f.stage_cpu) {
          j["enrollmentd_stage_cpu_us_per_event"][stage] = f.us_per_event(sec);
          thread += sec;
        }
        j["enrollmentd_stage_cpu_us_per_event"]["other_threads"] =
            f.us_per_event(p.seconds - thread);
      }
      if (f.messages_per_commit > 0) j["messages_per_commit"] = f.messages_per_commit;
    }
  }
  j["peak_rss_mib"] = nlohmann::json::object();
  for (const auto& p : f.cpu) {
    if (p.peak_rss_kib) j["peak_rss_mib"][p.name] = static_cast<double>(*p.peak_rss_kib) / 1024;
  }
  if (f.hash) {
    const auto& h = *f.hash;
    j["argon2id"] = {{"opslimit", h.opslimit},
                     {"memlimit_kib", h.memlimit_kib},
                     {"hash_ms_median", h.median_ms},
                     {"samples", h.samples},
                     {"cores", h.cores},
                     {"hashes_per_registration", kHashesPerRegistration},
                     {"limit_registrations_per_s", h.limit_registrations_per_s()},
                     {"of_limit_percent", hash_limit_percent(f)}};
  }
  const auto& m = f.memory;
  j["redis"] = {{"bytes_per_in_flight_registration",
                 m.bytes_per_in_flight ? nlohmann::json(*m.bytes_per_in_flight) : nullptr},
                {"bytes_per_finished_registration", m.bytes_per_finished},
                {"peak_in_flight", m.peak_in_flight},
                {"samples", m.samples},
                {"peak_samples", m.peak_samples},
                {"baseline_used_memory", m.baseline}};
  j["outcomes"] = f.outcomes;
  return j;
}

void print_human(std::ostream& out, const Figures& f) {
  out << "enroll-bench: " << f.count << " registrations (" << f.channels << "), " << mode_of(f)
      << "\n";
  for (const auto& [k, v] : f.labels) out << "  " << k << ": " << v << "\n";
  out << "  wall time            " << fixed(f.wall_s, 1) << " s ("
      << fixed(f.registrations_per_s(), 1) << " registrations/s)\n";
  out << "  inbound events/s     " << fixed(f.events_per_s(), 0) << " (" << f.inbound
      << " events: " << f.commands << " commands, "
      << f.inbound - static_cast<std::int64_t>(f.commands) << " task results)\n";
  out << "  command -> event     p50 " << fixed(f.latency.p50_ms, 1) << " ms, p99 "
      << fixed(f.latency.p99_ms, 1) << " ms, max " << fixed(f.latency.max_ms, 1) << " ms ("
      << f.latency.samples << " commands";
  if (f.unanswered > 0) out << "; " << f.unanswered << " caused no event";
  out << ")\n";
  for (std::size_t i = 0; i < f.cpu.size(); ++i) {
    out << (i == 0 ? "  CPU s/1,000 events   " : "                       ") << f.cpu[i].name << " "
        << fixed(f.cpu_per_1000_events(f.cpu[i]), 2) << " (" << fixed(f.cpu[i].seconds, 1)
        << " s in all)\n";
  }
  for (const auto& p : f.cpu) {
    if (p.name != "enrollmentd") continue;
    out << "  enrollmentd CPU      " << fixed(f.cpu_per_1000_events(p) * 1000, 0)
        << " us per inbound event\n";
    if (f.stage_cpu.empty()) continue;
    // The pipeline thread by stage; the rest of the process is its other threads.
    double thread = 0;
    out << "    pipeline thread    ";
    // In the order a message goes through them (enroll_pipeline_cpu_seconds_total's stages).
    for (const char* stage :
         {"consume", "decode", "load", "hash", "apply", "encode", "commit", "produce", "other"}) {
      const auto s = f.stage_cpu.find(stage);
      if (s == f.stage_cpu.end()) continue;
      out << stage << " " << fixed(f.us_per_event(s->second), 1) << "  ";
      thread += s->second;
    }
    out << "\n    (us per event)     pipeline thread " << fixed(f.us_per_event(thread), 1)
        << ", other threads " << fixed(f.us_per_event(p.seconds - thread), 1) << "\n";
    if (f.messages_per_commit > 0) {
      out << "  commit steps         " << fixed(f.messages_per_commit, 1)
          << " inbox messages per fenced commit\n";
    }
  }
  if (f.hash) {
    const auto& h = *f.hash;
    out << "  Argon2id limit       " << fixed(h.limit_registrations_per_s(), 1)
        << " registrations/s = " << h.cores << " cores / (" << kHashesPerRegistration
        << " hashes x " << fixed(h.median_ms, h.median_ms < 1 ? 3 : 1) << " ms; median of "
        << h.samples << " at " << h.opslimit << " passes, " << h.memlimit_kib << " KiB); this run "
        << fixed(hash_limit_percent(f), 1)
        << " % of it (2 hashes per registration: passcode.set makes the verifier, "
           "consent.confirm checks it)\n";
  }
  out << "  peak RSS MiB        ";
  for (const auto& p : f.cpu) {
    if (p.peak_rss_kib)
      out << " " << p.name << " " << fixed(static_cast<double>(*p.peak_rss_kib) / 1024, 0);
  }
  out << "\n";
  const auto& m = f.memory;
  out << "  Redis memory         ";
  if (m.bytes_per_in_flight) {
    out << fixed(*m.bytes_per_in_flight, 0) << " bytes per in-flight registration (peak "
        << m.peak_in_flight << " in flight, " << m.peak_samples << " samples); ";
  } else {
    out << "no sample at a peak; ";
  }
  out << fixed(m.bytes_per_finished, 0) << " bytes kept per finished registration\n";
  out << "  outcomes            ";
  for (const auto& [outcome, n] : f.outcomes) out << " " << outcome << " " << n;
  out << "\n  by command           p50 / p99 / max ms (samples)\n";
  for (const auto& [type, s] : f.latency_by_command) {
    std::string name = type;
    name.resize(std::max<std::size_t>(name.size(), 21), ' ');
    out << "    " << name << fixed(s.p50_ms, 1) << " / " << fixed(s.p99_ms, 1) << " / "
        << fixed(s.max_ms, 1) << " (" << s.samples << ")\n";
  }
}

}  // namespace enroll::bench
