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

double mib(long kib) { return static_cast<double>(kib) / 1024; }

// "enrollmentd (3 instances)", "redis-server (3 processes)", or the name alone.
std::string group_title(const ProcessCpu& g) {
  if (g.members.size() <= 1) return g.name;
  return g.name + " (" + std::to_string(g.members.size()) +
         (g.name == "enrollmentd" ? " instances)" : " processes)");
}

}  // namespace

const ProcessCpu* Figures::group(const std::string& name) const {
  for (const auto& g : cpu) {
    if (g.name == name) return &g;
  }
  return nullptr;
}

std::optional<double> Figures::cpu_of_pid(long long pid) const {
  for (const auto& g : cpu) {
    for (const auto& m : g.members) {
      if (pid > 0 && m.pid == pid) return m.cpu_s;
    }
  }
  return std::nullopt;
}

double Figures::messages_per_commit() const {
  return pipeline && pipeline->commits > 0 ? pipeline->consumed / pipeline->commits : 0;
}

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
  // Each process of a name (several instances, a cluster's masters or brokers).
  j["processes"] = nlohmann::json::object();
  for (const auto& p : f.cpu) {
    for (const auto& m : p.members) {
      nlohmann::json one = {{"pid", m.pid},
                            {"cpu_s", m.cpu_s},
                            {"cpu_s_per_1000_events", f.us_per_event(m.cpu_s) / 1000}};
      if (m.peak_rss_kib) one["peak_rss_mib"] = mib(*m.peak_rss_kib);
      j["processes"][p.name].push_back(one);
    }
  }
  // The same for enrollmentd in the unit of the orchestration budget (µs per event).
  if (const auto* d = f.group("enrollmentd")) {
    j["enrollmentd_cpu_us_per_event"] = f.us_per_event(d->seconds);
    j["enrollmentd_instances"] = d->members.size();
    if (f.pipeline && f.pipeline->instances == static_cast<int>(d->members.size())) {
      double thread = 0;
      for (const auto& [stage, sec] : f.pipeline->stage_cpu) {
        j["enrollmentd_stage_cpu_us_per_event"][stage] = f.us_per_event(sec);
        thread += sec;
      }
      j["enrollmentd_stage_cpu_us_per_event"]["other_threads"] =
          f.us_per_event(d->seconds - thread);
    }
  }
  if (f.messages_per_commit() > 0) j["messages_per_commit"] = f.messages_per_commit();
  if (f.pipeline) {  // over every instance: a message consumed twice shows here
    j["pipeline"] = {{"instances", f.pipeline->instances},
                     {"events_consumed", f.pipeline->consumed},
                     {"commits", f.pipeline->commits},
                     {"stale_commits", f.pipeline->stale_commits},
                     {"duplicates", f.pipeline->duplicates},
                     {"partitions_owned_before", f.pipeline->owned_before},
                     {"partitions_owned_after", f.pipeline->owned_after}};
  }
  if (f.inbox_partitions > 0) j["inbox_partitions"] = f.inbox_partitions;
  j["instances"] = nlohmann::json::array();
  for (const auto& i : f.instances) {
    nlohmann::json one = {{"api", i.api}};
    if (i.pid > 0) one["pid"] = i.pid;
    if (i.cpu_s) {
      one["cpu_s"] = *i.cpu_s;
      one["cpu_us_per_inbound_event"] = f.us_per_event(*i.cpu_s);
    }
    if (const auto& d = i.pipeline) {
      one["events_consumed"] = d->consumed;
      one["commits"] = d->commits;
      one["stale_commits"] = d->stale_commits;
      one["duplicates"] = d->duplicates;
      one["partitions_owned_before"] = d->owned_before;
      one["partitions_owned_after"] = d->owned_after;
      if (i.cpu_s && d->consumed > 0)
        one["cpu_us_per_consumed_event"] = *i.cpu_s * 1e6 / d->consumed;
    }
    j["instances"].push_back(one);
  }
  j["peak_rss_mib"] = nlohmann::json::object();
  for (const auto& p : f.cpu) {
    if (p.peak_rss_kib) j["peak_rss_mib"][p.name] = mib(*p.peak_rss_kib);
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
                {"baseline_used_memory", m.baseline},
                {"masters", nlohmann::json::array()}};
  for (const auto& master : f.redis_masters) {
    nlohmann::json one = {{"address", master.address},
                          {"pid", master.pid},
                          {"partitions", master.partitions},
                          {"used_memory_baseline", master.baseline},
                          {"used_memory_grown", master.last - master.baseline}};
    if (const auto cpu = f.cpu_of_pid(master.pid)) {
      one["cpu_s_per_1000_events"] = f.us_per_event(*cpu) / 1000;
    }
    j["redis"]["masters"].push_back(one);
  }
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
    const auto& g = f.cpu[i];
    out << (i == 0 ? "  CPU s/1,000 events   " : "                       ") << group_title(g) << " "
        << fixed(f.cpu_per_1000_events(g), 2) << " (" << fixed(g.seconds, 1) << " s in all)\n";
    if (g.members.size() <= 1) continue;
    for (const auto& m : g.members) {
      out << "                         pid " << m.pid << " "
          << fixed(f.us_per_event(m.cpu_s) / 1000, 2) << " (" << fixed(m.cpu_s, 1) << " s)\n";
    }
  }
  if (const auto* d = f.group("enrollmentd")) {
    out << "  enrollmentd CPU      " << fixed(f.us_per_event(d->seconds), 0)
        << " us per inbound event" << (d->members.size() > 1 ? " (the instances summed)" : "")
        << "\n";
    if (f.pipeline && f.pipeline->instances == static_cast<int>(d->members.size())) {
      // The pipeline threads by stage; the rest of the processes are their other threads.
      double thread = 0;
      out << "    pipeline thread    ";
      // In the order a message goes through them (enroll_pipeline_cpu_seconds_total's stages).
      for (const char* stage :
           {"consume", "decode", "load", "hash", "apply", "encode", "commit", "produce", "other"}) {
        const auto s = f.pipeline->stage_cpu.find(stage);
        if (s == f.pipeline->stage_cpu.end()) continue;
        out << stage << " " << fixed(f.us_per_event(s->second), 1) << "  ";
        thread += s->second;
      }
      out << "\n    (us per event)     pipeline thread " << fixed(f.us_per_event(thread), 1)
          << ", other threads " << fixed(f.us_per_event(d->seconds - thread), 1) << "\n";
    }
  }
  if (f.messages_per_commit() > 0) {
    out << "  commit steps         " << fixed(f.messages_per_commit(), 1)
        << " inbox messages per fenced commit\n";
  }
  if (f.pipeline) {
    out << "  inbox messages       " << fixed(f.pipeline->consumed, 0) << " consumed by "
        << f.pipeline->instances << " instance(s) (" << f.inbound << " produced), "
        << fixed(f.pipeline->duplicates, 0) << " duplicates, "
        << fixed(f.pipeline->stale_commits, 0) << " stale commits; partitions owned "
        << fixed(f.pipeline->owned_before, 0) << " -> " << fixed(f.pipeline->owned_after, 0)
        << " of " << f.inbox_partitions << "\n";
  }
  if (f.instances.size() > 1) {
    out << "  instances            partitions owned (start -> end), inbox messages consumed "
           "(share), CPU us per message consumed, stale commits, duplicates\n";
    for (const auto& i : f.instances) {
      out << "    " << i.api << (i.pid > 0 ? " pid " + std::to_string(i.pid) : "") << ": ";
      if (!i.pipeline) {
        out << "/metrics not read\n";
        continue;
      }
      const auto& d = *i.pipeline;
      const double all = f.pipeline ? f.pipeline->consumed : 0;
      out << fixed(d.owned_before, 0) << " -> " << fixed(d.owned_after, 0) << ", "
          << fixed(d.consumed, 0) << " (" << fixed(all > 0 ? 100 * d.consumed / all : 0, 1)
          << " %), " << (i.cpu_s && d.consumed > 0 ? fixed(*i.cpu_s * 1e6 / d.consumed, 0) : "-")
          << ", " << fixed(d.stale_commits, 0) << ", " << fixed(d.duplicates, 0) << "\n";
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
    if (p.peak_rss_kib) out << " " << group_title(p) << " " << fixed(mib(*p.peak_rss_kib), 0);
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
  if (f.redis_masters.size() > 1) {
    for (const auto& master : f.redis_masters) {
      const auto cpu = f.cpu_of_pid(master.pid);
      out << "    master " << master.address << " (pid " << master.pid << "): " << master.partitions
          << " of " << f.inbox_partitions << " inbox partitions, used_memory +"
          << fixed(static_cast<double>(master.last - master.baseline) / 1e6, 1) << " MB, CPU "
          << (cpu ? fixed(f.us_per_event(*cpu) / 1000, 2) + " s/1,000 events" : "not measured")
          << "\n";
    }
  }
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
