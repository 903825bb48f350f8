// enroll-sim-connectors: the capture device, civil registry and officer console simulators.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

#include "apps/common/command_line.hpp"
#include "apps/common/stop_signals.hpp"
#include "sim/kafka/connector_runner.hpp"
#include "sim/kafka/kafka_security_options.hpp"

using namespace enroll;

namespace {

void add_rate(CLI::App& app, const std::string& flag, double& rate, const std::string& what) {
  app.add_option(flag, rate, what)->check(CLI::Range(0.0, 1.0))->capture_default_str();
}

// The scenario is read once, before the runner starts: tests write it first.
sim::Scenario load_scenario(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw sim::ScenarioError("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  return sim::Scenario::parse(text.str());
}

}  // namespace

int main(int argc, char** argv) {
  sim::ConnectorRunnerSettings s;
  std::string brokers;
  kafka::Security kafka_security;
  int latency_ms = 0;
  std::string connectors = "capture,registry,officer";
  std::string keys;
  std::string scenario_path;
  auto& b = s.behaviour;
  CLI::App app{
      "enroll-sim-connectors: simulated capture device, civil registry and officer console.\n"
      "Answers task.request messages on <prefix>requests.<connector> with task.result\n"
      "messages on <prefix>inbox, from a synthetic population."};
  app.add_option("--brokers", brokers, "Kafka bootstrap list")
      ->required()
      ->envname("ENROLL_BROKERS");
  app::add_kafka_security_options(app, kafka_security);
  app.add_option("--topic-prefix", s.topics.prefix, "topic prefix")
      ->envname("ENROLL_TOPIC_PREFIX")
      ->capture_default_str();
  app.add_option("--connectors", connectors, "comma-separated: capture,registry,officer")
      ->capture_default_str();
  app.add_option("--group", s.group, "consumer group")->capture_default_str();
  app.add_option("--keys", keys,
                 "key folder made by enroll-keygen: the connectors sign their answers with "
                 "connector-<name>'s keys (or ENROLL_KEYS)")
      ->envname("ENROLL_KEYS")
      ->required();
  app.add_option("--latency-ms", latency_ms, "delay before each answer")
      ->check(CLI::Range(0, 600000))
      ->capture_default_str();
  add_rate(app, "--unavailable-rate", b.unavailable_rate,
           "share of requests answered `unavailable` (retryable)");
  add_rate(app, "--blurry-rate", b.blurry_rate,
           "share of citizens whose first photo of a card side fails `blurry`");
  add_rate(app, "--liveness-fail-rate", b.liveness_fail_rate,
           "share of citizens whose first selfie scores liveness 0.3");
  add_rate(app, "--face-mismatch-rate", b.face_mismatch_rate,
           "share of citizens whose first selfie scores face match 0.2");
  add_rate(app, "--revoked-rate", b.revoked_rate,
           "share of citizens whose card the registry reports revoked");
  add_rate(app, "--review-reject-rate", b.review_reject_rate,
           "share of registrations the officer rejects");
  app.add_option("--seed", b.seed, "seed of the failure draws")->capture_default_str();
  app.add_option("--scenario", scenario_path,
                 "JSON file of scripted answers per registration or citizen and task "
                 "(sim/scenario.hpp); read once at start-up");
  if (const auto exit = app::parse_command_line(app, argc, argv, "enroll-sim-connectors")) {
    return *exit;
  }
  s.connectors.clear();
  std::stringstream list(connectors);
  const auto& known = sim::simulated_connectors();
  for (std::string c; std::getline(list, c, ',');) {
    if (std::find(known.begin(), known.end(), c) == known.end()) {
      std::cerr << "enroll-sim-connectors: unknown connector '" << c << "'\n";
      return 2;
    }
    s.connectors.push_back(c);
  }
  if (s.connectors.empty()) {
    std::cerr << "enroll-sim-connectors: --connectors is empty\n";
    return 2;
  }
  if (!scenario_path.empty()) {
    try {
      s.scenario = load_scenario(scenario_path);
    } catch (const sim::ScenarioError& e) {
      std::cerr << "enroll-sim-connectors: --scenario: " << e.what() << "\n";
      return 2;
    }
  }
  s.latency = std::chrono::milliseconds(latency_ms);
  try {
    s.kafka = kafka::client_settings(brokers, kafka_security);
  } catch (const std::exception& e) {
    std::cerr << "enroll-sim-connectors: kafka security: " << e.what() << "\n";
    return 2;
  }
  try {
    s.signers = std::make_shared<const trust::Signers>(trust::Signers::load(keys));
  } catch (const std::exception& e) {
    std::cerr << "enroll-sim-connectors: --keys: " << e.what() << "\n";
    return 2;
  }
  enroll::app::block_stop_signals();
  try {
    sim::ConnectorRunner runner(s);
    enroll::app::StopOnSignal watcher([&runner] { runner.stop(); });
    spdlog::info("enroll-sim-connectors: serving {} on {}{}", connectors, brokers,
                 scenario_path.empty() ? "" : " with scenario " + scenario_path);
    runner.run();
    spdlog::info("enroll-sim-connectors: stopped after {} answers ({} dropped by the scenario)",
                 runner.answered(), runner.dropped());
  } catch (const std::exception& e) {
    std::cerr << "enroll-sim-connectors: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
