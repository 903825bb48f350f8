// enroll-sim-citizens: simulated citizens registering through a channel. Starts N
// registrations (at most C at once), answers every registration.awaiting, shows progress
// and prints the outcome counts.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <thread>

#include "apps/simulators/signals.hpp"
#include "connectors/kafka/producer.hpp"
#include "connectors/kafka/tail_reader.hpp"
#include "connectors/keys/keys.hpp"
#include "connectors/sim/citizen_driver.hpp"
#include "connectors/topics.hpp"

using namespace enroll;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::string brokers;
  Topics topics;
  std::string keys;
  std::string channel = "self-service";
  int count = 100;
  int concurrency = 50;
  int timeout_s = 300;
  int min_issued = -1;  // default: all
  std::string run_id;
  std::uint64_t first_citizen = 0;
  bool json = false;
};

void print_progress(const sim::CitizenDriver& d, int total, Clock::time_point t0, bool tty) {
  const auto counts = d.outcome_counts();
  const auto get = [&](sim::Outcome o) {
    auto it = counts.find(o);
    return it == counts.end() ? std::size_t{0} : it->second;
  };
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  std::fprintf(stderr, "%s[citizens] %zu/%d finished (issued %zu, rejected %zu, locked %zu) %.1fs",
               tty ? "\r" : "", d.finished(), total, get(sim::Outcome::issued),
               get(sim::Outcome::rejected), get(sim::Outcome::locked), secs);
  if (!tty) std::fputc('\n', stderr);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"enroll-sim-citizens: simulated citizens registering through a channel."};
  app.add_option("--brokers", o.brokers, "Kafka bootstrap list")
      ->required()
      ->envname("ENROLL_BROKERS");
  app.add_option("--topic-prefix", o.topics.prefix, "topic prefix")
      ->envname("ENROLL_TOPIC_PREFIX")
      ->capture_default_str();
  app.add_option("--keys", o.keys, "key folder (only passcode_seal.pub is read)")
      ->required()
      ->envname("ENROLL_KEYS");
  app.add_option("--channel", o.channel, "channel to register through")->capture_default_str();
  app.add_option("--count", o.count, "registrations to run")
      ->check(CLI::Range(1, 10'000'000))
      ->capture_default_str();
  app.add_option("--concurrency", o.concurrency, "registrations in flight at once")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  app.add_option("--timeout-s", o.timeout_s, "give up after this many seconds")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  app.add_option("--min-issued", o.min_issued, "exit 1 unless this many are issued (default: all)");
  app.add_option("--run-id", o.run_id, "prefix of the registration ids (default: time and pid)");
  app.add_option("--first-citizen", o.first_citizen, "number of the first synthetic citizen");
  app.add_flag("--json", o.json, "print the summary as JSON");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::ParseError& e) {
    std::cerr << "enroll-sim-citizens: " << e.what() << "\nRun with --help for usage.\n";
    return 2;
  }
  if (o.run_id.empty()) {
    o.run_id =
        "r" +
        std::to_string(std::chrono::system_clock::now().time_since_epoch().count() / 1'000'000) +
        "p" + std::to_string(getpid());
  }
  if (o.first_citizen == 0) o.first_citizen = std::hash<std::string>{}(o.run_id) % 1'000'000'000;
  const int min_issued = o.min_issued < 0 ? o.count : o.min_issued;

  sim::block_stop_signals();
  std::atomic<bool> stop{false};
  sim::StopOnSignal watcher([&stop] { stop = true; });
  try {
    const auto pub = load_seal_public_key(o.keys);
    sim::CitizenDriver driver(pub, "/sim/citizens/" + o.run_id, o.channel);
    const kafka::Settings k{{"bootstrap.servers", o.brokers}};
    kafka::TailReader events(k, o.topics.events());  // positioned before the first command
    kafka::Producer producer(k, nullptr);
    const bool tty = isatty(STDERR_FILENO) != 0;
    const auto t0 = Clock::now();
    auto last_progress = t0;
    int started = 0;
    while (!stop && static_cast<int>(driver.finished()) < o.count) {
      while (started < o.count && started - static_cast<int>(driver.finished()) < o.concurrency) {
        const auto id = o.run_id + "-" + std::to_string(started);
        const auto cmd = driver.start(id, o.first_citizen + static_cast<std::uint64_t>(started));
        producer.produce(o.topics.inbox(), cmd.key, cmd.value);
        ++started;
      }
      for (const auto& m : events.poll_batch(1000, std::chrono::milliseconds(50))) {
        nlohmann::json ev;
        try {
          ev = nlohmann::json::parse(m.value);
        } catch (const nlohmann::json::exception&) {
          continue;
        }
        for (const auto& cmd : driver.on_event(ev)) {
          producer.produce(o.topics.inbox(), cmd.key, cmd.value);
        }
      }
      producer.poll(0);
      const auto now = Clock::now();
      if (now - last_progress > std::chrono::seconds(tty ? 1 : 5)) {
        print_progress(driver, o.count, t0, tty);
        last_progress = now;
      }
      if (now - t0 > std::chrono::seconds(o.timeout_s)) break;
    }
    producer.flush(5000);
    print_progress(driver, o.count, t0, tty);
    if (tty) std::fputc('\n', stderr);

    const auto counts = driver.outcome_counts();
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    std::size_t issued = 0;
    if (auto it = counts.find(sim::Outcome::issued); it != counts.end()) issued = it->second;
    if (o.json) {
      nlohmann::json j{{"channel", o.channel},
                       {"registrations", o.count},
                       {"seconds", secs},
                       {"mean_duration_s", driver.mean_duration_s()}};
      for (const auto& [outcome, n] : counts) j["outcomes"][std::string(to_string(outcome))] = n;
      std::cout << j.dump() << "\n";
    } else {
      std::cout << "channel " << o.channel << ": " << o.count << " registrations in " << secs
                << " s (mean " << driver.mean_duration_s() << " s each)\n";
      for (const auto& [outcome, n] : counts) {
        std::cout << "  " << to_string(outcome) << ": " << n << "\n";
      }
    }
    if (stop) return 130;
    return static_cast<int>(issued) >= min_issued ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "enroll-sim-citizens: " << e.what() << "\n";
    return 1;
  }
}
