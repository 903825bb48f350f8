// enroll-devbroker: a Kafka-protocol broker for local runs and tests (librdkafka's mock
// cluster), with the contract's topics pre-created and a TCP control port for fault
// injection. See README.md.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>

#include "apps/common/atomic_file.hpp"
#include "apps/common/command_line.hpp"
#include "apps/devbroker/commands.hpp"
#include "apps/devbroker/control_server.hpp"
#include "apps/devbroker/mock_cluster.hpp"
#include "apps/devbroker/topics.hpp"

namespace {

struct Options {
  int brokers = 3;
  int partitions = 12;
  std::string topic_prefix = "enroll.";
  std::string bootstrap_file;
  std::string control_file;
  bool exit_with_parent = false;
};

// Exit codes: 0 clean stop, 1 runtime failure, 2 bad command line.
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

bool create_contract_topics(const enroll::devbroker::MockCluster& cluster, const Options& options) {
  using namespace enroll::devbroker;
  const auto awake = cluster.awake();
  for (const std::string& topic : contract_topics(options.topic_prefix)) {
    const std::string failure =
        create_topic(cluster.get(), topic, options.partitions, options.brokers);
    if (!failure.empty()) {
      spdlog::error("cannot create topic {}", failure);
      return false;
    }
  }
  return true;
}

int run(const Options& options) {
  using namespace enroll::devbroker;
  using enroll::app::write_file_atomically;

  // A shell starts background jobs with SIGINT ignored; an ignored signal is discarded and
  // never reaches sigwait(), so restore the defaults first.
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  // Block the stop signals before any thread exists (librdkafka starts several), so every
  // thread inherits the mask and only sigwait() below ever sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  if (options.exit_with_parent) {
    const pid_t parent = getppid();
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    // The parent may have died before prctl() took effect.
    if (getppid() != parent) return 0;
  }

  MockCluster cluster(options.brokers);
  if (!create_contract_topics(cluster, options)) return kExitFailure;
  const Commands commands(cluster);
  ControlServer control(
      [&commands](std::string_view request) { return commands.execute(request); });

  // The files announce readiness, so they are written last, once everything is up.
  if (!options.bootstrap_file.empty()) {
    write_file_atomically(options.bootstrap_file, cluster.bootstraps() + "\n");
  }
  if (!options.control_file.empty()) {
    write_file_atomically(options.control_file, std::to_string(control.port()) + "\n");
  }
  spdlog::info("ready: bootstrap {} control 127.0.0.1:{} brokers {} partitions {} prefix '{}'",
               cluster.bootstraps(), control.port(), options.brokers, options.partitions,
               options.topic_prefix);

  int signal = 0;
  sigwait(&stop_signals, &signal);
  spdlog::info("stopping on {}", signal == SIGTERM ? "SIGTERM" : "SIGINT");
  control.stop();
  return 0;
}

// Everything but the last-resort catch in main().
int parse_and_run(int argc, char** argv) {
  spdlog::set_default_logger(spdlog::stderr_color_mt("devbroker"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ enroll-devbroker: %v");

  Options options;
  CLI::App app{
      "Kafka-protocol dev broker (librdkafka mock cluster) with a fault-injection "
      "control port",
      "enroll-devbroker"};
  app.add_option("--brokers", options.brokers, "number of brokers (ids 1..N)")
      ->check(CLI::Range(1, 32))
      ->capture_default_str();
  app.add_option("--partitions", options.partitions, "partitions of each contract topic")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  app.add_option("--topic-prefix", options.topic_prefix, "prefix of the contract topics")
      ->capture_default_str();
  app.add_option("--bootstrap-file", options.bootstrap_file,
                 "write the bootstrap list to this file (atomically) once ready");
  app.add_option("--control-file", options.control_file,
                 "write the control port to this file (atomically) once ready");
  app.add_flag("--exit-with-parent", options.exit_with_parent,
               "stop (SIGTERM) when the parent process dies");
  if (const auto exit = enroll::app::parse_command_line(app, argc, argv, "enroll-devbroker")) {
    return *exit;
  }

  if (!enroll::devbroker::valid_topic_name(options.topic_prefix + "requests.registry")) {
    std::cerr << "enroll-devbroker: --topic-prefix must use only [a-zA-Z0-9._-]\n\n" << app.help();
    return kExitUsage;
  }

  return run(options);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return parse_and_run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "enroll-devbroker: " << e.what() << "\n";
    return kExitFailure;
  }
}
