// enrollmentd: wires config, keys, definitions, Redis and Kafka, starts the HTTP API on its
// own threads, then runs the inbox pipeline on the main thread until SIGTERM/SIGINT.
#include <librdkafka/rdkafka.h>
#include <signal.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <fstream>
#include <iostream>
#include <thread>

#include "adapters/codec/schema_set.hpp"
#include "adapters/keys/keys.hpp"
#include "adapters/redis/client.hpp"
#include "adapters/redis/store/store.hpp"
#include "apps/common/stop_signals.hpp"
#include "apps/enrollmentd/config.hpp"
#include "apps/enrollmentd/startup.hpp"
#include "service/pipeline/inbox_pipeline.hpp"
#include "service/server/api_server.hpp"

using namespace enroll;

int main(int argc, char** argv) {
  std::optional<daemon::Config> config;
  try {
    config = daemon::parse_config(argc, argv);
  } catch (const daemon::UsageError& e) {
    std::cerr << "enrollmentd: " << e.what() << "\n";
    return 2;
  }
  if (!config) return 0;      // --help
  app::block_stop_signals();  // before any thread starts, so that only the watcher sees them
  auto logger = spdlog::stderr_color_mt("enrollmentd");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ [" + config->instance + "] %v");
  spdlog::set_level(spdlog::level::from_str(config->log_level));

  try {
    daemon::Startup startup(*config);  // loads keys and definitions; checks Redis and Kafka
    // Declared before the pipeline, which reports to them, and the API, which reads them.
    metrics::Registry registry;
    PipelineMonitor monitor(registry);
    monitor.set_failure_labels(failure_labels(startup.catalog()));
    InboxPipeline pipeline(startup.pipeline_settings(), startup.store(), startup.schemas(),
                           startup.seal_keys(), startup.engine_config(), startup.verifier(),
                           startup.signer());
    pipeline.set_monitor(&monitor);
    monitor.expose(pipeline.counters());
    const auto api = daemon::start_http_api(*config, startup, monitor, registry);
    app::StopOnSignal watcher([&pipeline] {
      spdlog::info("signal: finishing the batch in hand");
      pipeline.stop();
    });
    spdlog::info("enrollmentd ready: group {}, inbox {}, {} channels", config->group,
                 startup.pipeline_settings().topics.inbox(), startup.channel_count());
    pipeline.run();
    api->stop();
    const auto& c = pipeline.counters();
    spdlog::info("stopped: consumed {}, applied {}, rejected {}, duplicates {}, dead-lettered {}",
                 c.consumed.load(), c.applied.load(), c.rejected.load(), c.duplicates.load(),
                 c.dead_lettered.load());
    return 0;
  } catch (const daemon::StartupError& e) {
    spdlog::critical("{}", e.what());
    std::cerr << "enrollmentd: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    spdlog::critical("fatal: {}", e.what());
    return 1;
  }
}
