// enroll-bench: drives N registrations through a running stack (dev broker, Redis,
// enrollmentd, simulated connectors), closed or open loop, and prints inbound events/s,
// command-to-event latency, CPU seconds per 1,000 events and Redis bytes per in-flight
// registration. ops/bench starts the stack around it.
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <iostream>
#include <memory>
#include <thread>

#include "adapters/keys/seal_publisher.hpp"
#include "adapters/service_client/published_seal_key_fetch.hpp"
#include "apps/bench/hash_cost.hpp"
#include "apps/bench/load.hpp"
#include "apps/bench/options.hpp"
#include "apps/bench/pipeline_stages.hpp"
#include "apps/bench/process_cpu.hpp"
#include "apps/bench/redis_memory.hpp"
#include "apps/bench/report.hpp"
#include "apps/bench/watermarks.hpp"
#include "apps/common/stop_signals.hpp"

using namespace enroll;
using namespace enroll::bench;

namespace {

constexpr auto kWarmupTimeout = std::chrono::seconds(120);
constexpr auto kSettleTimeout = std::chrono::seconds(60);

struct Watched {
  std::string name;
  int pid = 0;  // 0: this process
  double at_start = 0;
};

std::vector<Watched> watched_processes(const Options& o) {
  std::vector<Watched> out;
  for (const int pid : o.enrollmentd_pids) out.push_back({"enrollmentd", pid});
  for (const auto& p : o.processes) out.push_back({p.name, p.pid});
  out.push_back({"enroll-bench", 0});
  return out;
}

// Every instance's /metrics, in the order of o.metrics_apis (nullopt where not read).
std::vector<std::optional<PipelineFigures>> read_instances(const Options& o) {
  std::vector<std::optional<PipelineFigures>> out;
  for (const auto& api : o.metrics_apis) out.push_back(pipeline_figures(api, o.ca_file));
  return out;
}

// Waits until the instances own every inbox partition between them, each at least one while
// there are partitions enough (the consumer group has settled: a rebalance inside the
// measured run would be measured), at most kSettleTimeout; false if it did not, or if
// /metrics cannot be read.
bool wait_for_group(const Options& o, int partitions, const std::atomic<bool>& stop) {
  const auto deadline = Clock::now() + kSettleTimeout;
  for (;;) {
    const auto readings = read_instances(o);
    double owned = 0;
    bool each = true;
    for (const auto& r : readings) {
      if (!r) return false;
      owned += r->owned;
      each = each && (r->owned > 0 || static_cast<int>(readings.size()) > partitions);
    }
    if (owned == partitions && each) return true;
    if (stop || Clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

// "[bench] 1234/2000 finished, 200 in flight, 35 s" on stderr: in place on a terminal.
class Progress {
 public:
  explicit Progress(int total) : total_(total), tty_(isatty(STDERR_FILENO) != 0) {}
  void show(std::size_t finished, std::size_t in_flight, double seconds, bool force = false) {
    const auto now = Clock::now();
    if (!force && now - last_ < std::chrono::seconds(tty_ ? 1 : 5)) return;
    last_ = now;
    std::fprintf(stderr, "%s[bench] %zu/%d finished, %zu in flight, %.0f s%s", tty_ ? "\r" : "",
                 finished, total_, in_flight, seconds, tty_ ? "  " : "\n");
    if (force && tty_) std::fputc('\n', stderr);
  }

 private:
  int total_;
  bool tty_;
  Clock::time_point last_ = Clock::now();
};

int run(const Options& o, const std::atomic<bool>& stop) {
  auto mix = sim::ChannelMix::parse(o.mix_spec);
  // The channel back-ends' signing keys (and the officer console's) from the key folder.
  const trust::Signers signers = trust::Signers::load(o.keys);
  // The passcode sealing key as a channel back-end gets it: published by enrollmentd, checked
  // against the seal_publisher .pub files of the key folder. Fetched once: a run is minutes,
  // not the weeks between rotations (enroll-sim-citizens fetches it again, --key-refresh-s).
  const auto sealing =
      client::fetch_seal_key(o.api, o.ca_file, load_seal_publisher_public_keys(o.keys));
  sim::CitizenDriver driver(signers, sealing.key, "/bench/" + o.run_id, "self-service");
  const kafka::Settings k = kafka::client_settings(o.brokers, o.kafka_security);
  // All positioned at their end before the first command.
  kafka::TailReader events(k, o.topics.events());
  kafka::TailReader officer(k, o.topics.requests("officer"));
  kafka::TailReader capture(k, o.topics.requests("capture"));
  kafka::TailReader registry(k, o.topics.requests("registry"));
  kafka::Producer producer(k, nullptr);
  RedisMemory memory(o.redis);
  LatencyRecorder latency;
  Load load({driver, mix, producer, events, officer, {&capture, &registry}, o.topics, latency});
  const std::uint64_t first_citizen = std::hash<std::string>{}(o.run_id) % 1'000'000'000;

  // Before any load, so that the hashes have the cores to themselves.
  std::optional<HashCost> hash;
  if (o.passcode_opslimit > 0) {
    std::fprintf(stderr, "[bench] timing %d Argon2id hashes (%llu passes, %zu KiB)\n",
                 o.hash_samples, o.passcode_opslimit, o.passcode_memlimit_kib);
    hash = measure_hash_cost(o.passcode_opslimit, o.passcode_memlimit_kib, o.hash_samples);
  }
  const int partitions = partition_count(producer.handle(), o.topics.inbox());
  memory.count_partitions(partitions);
  if (!wait_for_group(o, partitions, stop)) {
    if (stop) return 130;
    std::fprintf(stderr,
                 "[bench] the instances' /metrics do not show the %d inbox partitions owned "
                 "between them (each at least one) after %lld s: going on\n",
                 partitions, static_cast<long long>(kSettleTimeout.count()));
  }
  memory.take_baseline();  // before any registration of this run
  if (o.warmup > 0) {
    std::fprintf(stderr, "[bench] warm-up: %d registrations\n", o.warmup);
    const Phase warmup{o.run_id + "-w",        o.warmup,
                       std::min(o.warmup, 50), 0,
                       first_citizen,          Clock::now() + kWarmupTimeout};
    if (!load.run(warmup, stop, [] {})) {
      if (stop) return 130;
      std::cerr << "enroll-bench: the warm-up did not finish within 120 s: is enrollmentd "
                   "running, and are the connectors answering?\n";
      return 1;
    }
  }

  latency.reset();
  const auto inbox_before = produced_so_far(producer.handle(), o.topics.inbox());
  auto watched = watched_processes(o);
  for (auto& w : watched) w.at_start = cpu_seconds(w.pid).value_or(-1);
  const auto pipeline_before = read_instances(o);
  const auto commands_before = load.commands_sent();
  const auto t0 = Clock::now();
  const auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - t0).count(); };
  const std::size_t finished_before = driver.finished();
  Progress progress(o.count);
  const auto tick = [&] {
    memory.sample(load.in_flight(), driver.finished());
    progress.show(driver.finished() - finished_before, load.in_flight(), elapsed());
  };
  const Phase measured{o.run_id + "-",
                       o.count,
                       o.concurrency,
                       o.rate,
                       first_citizen + static_cast<std::uint64_t>(o.warmup),
                       t0 + std::chrono::seconds(o.timeout_s)};
  const bool complete = load.run(measured, stop, tick);
  const double wall = elapsed();
  progress.show(driver.finished() - finished_before, load.in_flight(), wall, true);
  if (stop) return 130;
  if (!complete) {
    std::cerr << "enroll-bench: " << driver.finished() - finished_before << " of " << o.count
              << " registrations finished within " << o.timeout_s << " s\n";
    return 1;
  }
  memory.sample(load.in_flight(), driver.finished());  // after the drain: nothing in flight

  Figures f;
  f.count = o.count;
  f.concurrency = o.concurrency;
  f.rate = o.rate;
  f.channels = o.channels;
  f.labels = o.labels;
  f.wall_s = wall;
  f.inbound = produced_so_far(producer.handle(), o.topics.inbox()) - inbox_before;
  f.commands = load.commands_sent() - commands_before;
  f.latency = latency.overall();
  f.unanswered = latency.unanswered();
  f.latency_by_command = latency.by_type();
  std::vector<ProcessReading> readings;
  for (const auto& w : watched) {
    const auto now = cpu_seconds(w.pid);
    std::optional<double> used;
    if (w.at_start >= 0 && now) used = *now - w.at_start;
    readings.push_back({w.name, w.pid, used, peak_rss_kib(w.pid)});
  }
  auto grouped = group_readings(readings);
  for (const auto& name : grouped.unreadable) {
    std::cerr << "enroll-bench: cannot read the CPU time of every " << name
              << " process: left out\n";
  }
  f.cpu = std::move(grouped.groups);
  const auto pipeline_after = read_instances(o);
  std::vector<std::optional<PipelineDelta>> deltas;
  for (std::size_t i = 0; i < o.metrics_apis.size(); ++i) {
    InstanceFigures one;
    one.api = o.metrics_apis[i];
    if (i < o.enrollmentd_pids.size()) {
      one.pid = o.enrollmentd_pids[i];
      for (const auto& r : readings) {
        if (r.name == "enrollmentd" && r.pid == one.pid) one.cpu_s = r.cpu_s;
      }
    }
    if (pipeline_before[i] && pipeline_after[i]) {
      one.pipeline = pipeline_delta(*pipeline_before[i], *pipeline_after[i]);
    }
    deltas.push_back(one.pipeline);
    f.instances.push_back(std::move(one));
  }
  f.pipeline = sum_deltas(deltas);
  f.inbox_partitions = partitions;
  f.redis_masters = memory.masters();
  f.memory = memory.estimate();
  f.hash = hash;
  for (int i = 0; i < o.count; ++i) {
    const auto outcome = driver.outcome_of(measured.id_prefix + std::to_string(i));
    ++f.outcomes[std::string(sim::to_string(outcome.value_or(sim::Outcome::pending)))];
  }
  if (o.json) {
    std::cout << to_json(f).dump() << "\n";
  } else {
    print_human(std::cout, f);
  }
  if (f.outcomes.count("failed_to_start") > 0) {
    std::cerr << "enroll-bench: some registrations were refused at the start (is every channel "
                 "of --channels loaded in enrollmentd?)\n";
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<Options> o;
  try {
    o = parse_options(argc, argv);
  } catch (const UsageError& e) {
    std::cerr << "enroll-bench: " << e.what() << "\nRun with --help for usage.\n";
    return 2;
  }
  if (!o) return 0;           // --help
  app::block_stop_signals();  // before any thread starts, so that only the watcher sees them
  std::atomic<bool> stop{false};
  app::StopOnSignal watcher([&stop] { stop = true; });
  try {
    const int rc = run(*o, stop);
    if (rc == 130) std::cerr << "enroll-bench: interrupted\n";
    return rc;
  } catch (const std::exception& e) {
    std::cerr << "enroll-bench: " << e.what() << "\n";
    return 1;
  }
}
