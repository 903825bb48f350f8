// enroll-sim-connectors: the capture device and civil registry simulators.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "apps/simulators/signals.hpp"
#include "connectors/sim/connector_runner.hpp"

using namespace enroll;

int main(int argc, char** argv) {
  sim::ConnectorRunnerSettings s;
  std::string brokers;
  int latency_ms = 0;
  std::string connectors = "capture,registry";
  CLI::App app{
      "enroll-sim-connectors: simulated capture device and civil registry.\n"
      "Answers task.request messages on <prefix>requests.<connector> with task.result\n"
      "messages on <prefix>inbox, from a synthetic population."};
  app.add_option("--brokers", brokers, "Kafka bootstrap list")
      ->required()
      ->envname("ENROLL_BROKERS");
  app.add_option("--topic-prefix", s.topics.prefix, "topic prefix")
      ->envname("ENROLL_TOPIC_PREFIX")
      ->capture_default_str();
  app.add_option("--connectors", connectors, "comma-separated: capture,registry")
      ->capture_default_str();
  app.add_option("--group", s.group, "consumer group")->capture_default_str();
  app.add_option("--latency-ms", latency_ms, "delay before each answer")
      ->check(CLI::Range(0, 600000))
      ->capture_default_str();
  app.add_option("--unavailable-rate", s.behaviour.unavailable_rate,
                 "fraction of tasks answered `unavailable` (retryable)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--seed", s.behaviour.seed, "seed of the failure draws")->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::ParseError& e) {
    std::cerr << "enroll-sim-connectors: " << e.what() << "\nRun with --help for usage.\n";
    return 2;
  }
  s.connectors.clear();
  std::stringstream list(connectors);
  for (std::string c; std::getline(list, c, ',');) {
    if (c != "capture" && c != "registry") {
      std::cerr << "enroll-sim-connectors: unknown connector '" << c << "'\n";
      return 2;
    }
    s.connectors.push_back(c);
  }
  s.latency = std::chrono::milliseconds(latency_ms);
  s.kafka = {{"bootstrap.servers", brokers}};
  sim::block_stop_signals();
  try {
    sim::ConnectorRunner runner(s);
    sim::StopOnSignal watcher([&runner] { runner.stop(); });
    spdlog::info("enroll-sim-connectors: serving {} on {}", connectors, brokers);
    runner.run();
    spdlog::info("enroll-sim-connectors: stopped after {} answers", runner.answered());
  } catch (const std::exception& e) {
    std::cerr << "enroll-sim-connectors: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
