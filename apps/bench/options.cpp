#include "apps/bench/options.hpp"

#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <sstream>

#include "adapters/service_client/service_client.hpp"
#include "errors/errc.hpp"
#include "sim/channel_mix.hpp"
#include "sim/citizen_side_options.hpp"
#include "sim/kafka/kafka_security_options.hpp"

namespace enroll::bench {
namespace {

std::pair<std::string, std::string> split_pair(const std::string& item, const std::string& flag) {
  const auto eq = item.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw UsageError(flag + ": '" + item + "' is not NAME=VALUE");
  }
  return {item.substr(0, eq), item.substr(eq + 1)};
}

ProcessRef process_ref(const std::string& item) {
  auto [name, pid] = split_pair(item, "--process");
  try {
    std::size_t used = 0;
    const int n = std::stoi(pid, &used);
    if (used == pid.size() && n > 0) return {name, n};
  } catch (const std::exception&) {
  }
  throw UsageError("--process: '" + pid + "' is not a pid");
}

void add_options(CLI::App& app, Options& o) {
  app::add_citizen_side_options(app, o.brokers, o.topics, o.keys);
  app::add_kafka_security_options(app, o.kafka_security);
  app::add_seal_key_source_options(app, o.api, o.ca_file);
  app.add_option("--redis", o.redis, "Redis URL, for INFO memory")
      ->required()
      ->envname("ENROLL_REDIS");
  app.add_option("--count", o.count, "registrations to measure")
      ->check(CLI::Range(1, 10'000'000))
      ->capture_default_str();
  auto* concurrency =
      app.add_option("--concurrency", o.concurrency,
                     "closed loop: registrations in flight at once (each citizen answers the "
                     "event that asks it)")
          ->check(CLI::Range(1, 1'000'000))
          ->capture_default_str();
  app.add_option("--rate", o.rate,
                 "open loop instead: new registrations per second, in flight unbounded")
      ->check(CLI::Range(0.001, 1e6))
      ->excludes(concurrency);
  app.add_option("--channels", o.channels,
                 "channel or weighted mix: self-service, or "
                 "self-service=60,officer-assisted=20,passcode-reset=10,kiosk=10")
      ->capture_default_str();
  app.add_option("--warmup", o.warmup,
                 "registrations run first and left out of the figures (group joins, caches)")
      ->check(CLI::Range(0, 100'000))
      ->capture_default_str();
  app.add_option("--timeout-s", o.timeout_s, "give up (exit 1) after this many seconds")
      ->check(CLI::Range(1, 86'400))
      ->capture_default_str();
  app.add_option("--enrollmentd-pid", o.enrollmentd_pids,
                 "enrollmentd's pid, for CPU seconds per 1,000 events (omitted without it); "
                 "repeatable: several instances, their CPU summed and each shown")
      ->check(CLI::PositiveNumber)
      ->take_all();
  app.add_option("--metrics-api", o.metrics_apis,
                 "an enrollmentd instance's API whose /metrics gives the pipeline figures "
                 "(default: --api); repeatable: the instances' figures summed, partitions "
                 "owned per instance; with several --enrollmentd-pid, one each, in the same "
                 "order")
      ->take_all();
  app.add_option_function<std::vector<std::string>>(
      "--process",
      [&o](const std::vector<std::string>& items) {
        for (const auto& item : items) o.processes.push_back(process_ref(item));
      },
      "NAME=PID of another process whose CPU is reported (repeatable; processes of one NAME "
      "are summed, e.g. the masters of a Redis Cluster)");
  app.add_option_function<std::vector<std::string>>(
      "--label",
      [&o](const std::vector<std::string>& items) {
        for (const auto& item : items) o.labels.push_back(split_pair(item, "--label"));
      },
      "KEY=VALUE printed beside the figures, e.g. argon2id='2 passes, 19456 KiB' (repeatable)");
  app.add_option("--run-id", o.run_id, "prefix of the registration ids (default: time and pid)");
  app.add_flag("--json", o.json, "print the figures as one JSON object");
  // Bounds as enrollmentd's (libsodium's Argon2id limits are wider; these are what a run uses).
  auto* ops = app.add_option("--passcode-opslimit", o.passcode_opslimit,
                             "the run's Argon2id passes: time one hash at this cost before the "
                             "load and print the machine's hashing limit (with "
                             "--passcode-memlimit-kib)")
                  ->check(CLI::Range(1ULL, 64ULL));
  auto* mem = app.add_option("--passcode-memlimit-kib", o.passcode_memlimit_kib,
                             "the run's Argon2id memory in KiB")
                  ->check(CLI::Range(std::size_t{8}, std::size_t{4} * 1024 * 1024));
  ops->needs(mem);
  mem->needs(ops);
  app.add_option("--hash-samples", o.hash_samples, "hashes timed for the median")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
}

}  // namespace

void check_instances(Options& o) {
  if (o.metrics_apis.empty()) o.metrics_apis.push_back(o.api);
  const auto pids = o.enrollmentd_pids.size();
  const auto apis = o.metrics_apis.size();
  if (pids > 0 && pids != apis) {
    throw UsageError(std::to_string(pids) + " --enrollmentd-pid and " + std::to_string(apis) +
                     " --metrics-api (or --api alone): give one of each per instance, in the "
                     "same order");
  }
}

std::string mix_spec_of(const std::string& channels) {
  if (channels.find('=') != std::string::npos) return channels;
  std::string spec;
  std::stringstream in(channels);
  for (std::string name; std::getline(in, name, ',');) {
    spec += (spec.empty() ? "" : ",") + name + "=1";
  }
  return spec;
}

std::optional<Options> parse_options(int argc, char** argv) {
  Options o;
  CLI::App app{
      "enroll-bench: drives registrations through a running stack (dev broker, Redis,\n"
      "enrollmentd, simulated connectors) and prints inbound events/s, command-to-event\n"
      "latency, CPU seconds per 1,000 events and Redis bytes per in-flight registration."};
  add_options(app, o);
  try {
    app.parse(argc, argv);
    o.mix_spec = mix_spec_of(o.channels);
    sim::ChannelMix::parse(o.mix_spec);  // fail here, as a usage error
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return std::nullopt;
  } catch (const CLI::ParseError& e) {
    throw UsageError(e.what());
  } catch (const Error& e) {  // bad_setting
    throw UsageError(std::string("--channels: ") + e.what());
  }
  try {
    client::parse_service_url(o.api);
  } catch (const Error& e) {  // bad_url
    throw UsageError(std::string("--api: ") + e.what());
  }
  for (const auto& url : o.metrics_apis) {
    try {
      client::parse_service_url(url);
    } catch (const Error& e) {  // bad_url
      throw UsageError("--metrics-api: " + std::string(e.what()));
    }
  }
  check_instances(o);
  if (o.run_id.empty()) {
    o.run_id = "b" + std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
  }
  return o;
}

}  // namespace enroll::bench
