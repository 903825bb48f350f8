// enroll-sim-citizens: simulated citizens registering through one channel or a mix. Starts
// N registrations (at most C at once), answers every registration.awaiting (QR tokens come
// from <prefix>requests.officer), shows progress and prints the outcome counts per channel.
// Like a real channel back-end it seals passcodes only to the key enrollmentd publishes
// (GET /v1/keys/passcode at --api) signed by a seal_publisher key of its --keys folder:
// fetched and checked before the first command, fetched again every --key-refresh-s.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <memory>
#include <sstream>

#include "adapters/codec/topics.hpp"
#include "adapters/kafka/producer.hpp"
#include "adapters/kafka/tail_reader.hpp"
#include "adapters/keys/seal_publisher.hpp"
#include "adapters/service_client/published_seal_key_fetch.hpp"
#include "adapters/trust/signers.hpp"
#include "apps/common/command_line.hpp"
#include "apps/common/stop_signals.hpp"
#include "apps/simulators/citizens_report.hpp"
#include "errors/errc.hpp"
#include "sim/channel_mix.hpp"
#include "sim/citizen_driver.hpp"
#include "sim/citizen_side_options.hpp"
#include "sim/kafka/kafka_security_options.hpp"

using namespace enroll;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::string brokers;
  kafka::Security kafka_security;
  Topics topics;
  std::string keys;
  std::string api;
  std::string ca_file;
  int key_refresh_s = 300;
  std::string channel = "self-service";
  std::string mix;
  int count = 100;
  int concurrency = 50;
  int timeout_s = 300;
  int min_issued = -1;  // default: all but the journeys whose persona cannot be issued
  std::string run_id;
  std::uint64_t first_citizen = 0;
  double persona_rate = 0;
  std::uint64_t persona_seed = 1;
  std::string personas;
  bool json = false;
};

std::vector<sim::Persona> parse_personas(const std::string& list) {
  if (list.empty()) return sim::all_personas();
  std::vector<sim::Persona> out;
  std::stringstream in(list);
  for (std::string name; std::getline(in, name, ',');) {
    const auto p = sim::persona_from_string(name);
    if (!p || *p == sim::Persona::none) throw CLI::ValidationError("--personas", "unknown " + name);
    out.push_back(*p);
  }
  return out;
}

void add_options(CLI::App& app, Options& o) {
  app::add_citizen_side_options(app, o.brokers, o.topics, o.keys);
  app::add_kafka_security_options(app, o.kafka_security);
  app::add_seal_key_source_options(app, o.api, o.ca_file);
  app.add_option("--key-refresh-s", o.key_refresh_s,
                 "fetch and check the published sealing key again this often (it may rotate; "
                 "a failed fetch keeps the last verified key)")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  auto* channel =
      app.add_option("--channel", o.channel, "channel to register through")->capture_default_str();
  app.add_option("--mix", o.mix,
                 "weighted channels instead of --channel, e.g. "
                 "self-service=60,officer-assisted=20,passcode-reset=10,kiosk=10")
      ->excludes(channel);
  app.add_option("--count", o.count, "registrations to run")
      ->check(CLI::Range(1, 10'000'000))
      ->capture_default_str();
  app.add_option("--concurrency", o.concurrency, "registrations in flight at once")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  app.add_option("--timeout-s", o.timeout_s, "give up after this many seconds")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  app.add_option("--min-issued", o.min_issued,
                 "exit 1 unless this many are issued (default: all but the `cancel` personas; "
                 "pass it when the connectors inject failures)");
  app.add_option("--run-id", o.run_id, "prefix of the registration ids (default: time and pid)");
  app.add_option("--first-citizen", o.first_citizen, "number of the first synthetic citizen");
  app.add_option("--persona-rate", o.persona_rate,
                 "share of journeys with a persona (a citizen who errs once, or cancels)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--persona-seed", o.persona_seed, "seed of the persona draws")
      ->capture_default_str();
  app.add_option("--personas", o.personas,
                 "personas to draw from (default all): unconfirm_card_once,weak_passcode_once,"
                 "wrong_passcode_once,cancel");
  app.add_flag("--json", o.json, "print the summary as JSON");
}

nlohmann::json parse_or_null(const std::string& text) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception&) {
    return nullptr;
  }
}

// A message of an unexpected shape (a field of another type) is skipped, not fatal.
template <typename F>
std::vector<sim::Command> tolerant(F&& react) {
  try {
    return react();
  } catch (const nlohmann::json::exception& e) {
    std::cerr << "enroll-sim-citizens: skipped a malformed message: " << e.what() << "\n";
    return {};
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"enroll-sim-citizens: simulated citizens registering through a channel or a mix."};
  add_options(app, o);
  sim::PersonaSettings personas;
  std::optional<sim::ChannelMix> mix;
  // A bad mix or persona list is a bad_setting Error whose message starts with its option.
  if (const auto exit = app::parse_command_line(app, argc, argv, "enroll-sim-citizens", [&] {
        try {
          personas = {o.persona_rate, o.persona_seed, parse_personas(o.personas)};
          mix = o.mix.empty() ? sim::ChannelMix::single(o.channel) : sim::ChannelMix::parse(o.mix);
        } catch (const Error& e) {
          throw Error(e.code(), std::string("--") + e.what());
        }
        try {
          client::parse_service_url(o.api);  // a bad --api is a usage error
        } catch (const Error& e) {
          throw Error(e.code(), std::string("--api: ") + e.what());
        }
      })) {
    return *exit;
  }
  if (o.run_id.empty()) {
    o.run_id =
        "r" +
        std::to_string(std::chrono::system_clock::now().time_since_epoch().count() / 1'000'000) +
        "p" + std::to_string(getpid());
  }
  if (o.first_citizen == 0) o.first_citizen = std::hash<std::string>{}(o.run_id) % 1'000'000'000;

  enroll::app::block_stop_signals();
  std::atomic<bool> stop{false};
  enroll::app::StopOnSignal watcher([&stop] { stop = true; });
  try {
    // The out-of-band trust: the seal_publisher .pub files of our own key folder. Nothing is
    // sent before the published key has verified against them.
    const auto publishers = load_seal_publisher_public_keys(o.keys);
    auto sealing = client::fetch_seal_key(o.api, o.ca_file, publishers);
    std::cerr << "enroll-sim-citizens: sealing passcodes to " << sealing.key_id << " (signed by "
              << sealing.signed_by << ")\n";
    const trust::Signers signers = trust::Signers::load(o.keys);  // the channel back-ends'
    sim::CitizenDriver driver(signers, sealing.key, "/sim/citizens/" + o.run_id, o.channel,
                              personas);
    auto last_fetch = Clock::now();
    // Fetched again while the run lasts: after a rotation the new key is used; a fetch that
    // fails (unreachable, or a key that does not verify) keeps the last verified one.
    const auto refresh_key = [&] {
      last_fetch = Clock::now();
      try {
        auto fetched = client::fetch_seal_key(o.api, o.ca_file, publishers);
        if (fetched.key.bytes != sealing.key.bytes) {
          std::cerr << "enroll-sim-citizens: the sealing key changed: " << sealing.key_id << " -> "
                    << fetched.key_id << "\n";
          driver.set_passcode_key(fetched.key);
        }
        sealing = std::move(fetched);
      } catch (const std::exception& e) {
        std::cerr << "enroll-sim-citizens: kept " << sealing.key_id << ": " << e.what() << "\n";
      }
    };
    const kafka::Settings k = kafka::client_settings(o.brokers, o.kafka_security);
    // Both positioned at their end before the first command.
    kafka::TailReader events(k, o.topics.events());
    // The codes to scan: on the officer's screen (qr.display) and the kiosk's (pairing.display).
    std::vector<std::unique_ptr<kafka::TailReader>> screens;
    for (const char* connector : {"officer", "capture"}) {
      try {
        screens.push_back(std::make_unique<kafka::TailReader>(k, o.topics.requests(connector)));
      } catch (const std::exception& e) {
        std::cerr << "enroll-sim-citizens: no codes from " << connector
                  << " (qr.scan will wait): " << e.what() << "\n";
      }
    }
    kafka::Producer producer(k, nullptr);
    const auto send = [&](const std::vector<sim::Command>& cmds) {
      for (const auto& cmd : cmds) producer.produce(o.topics.inbox(), cmd.key, cmd.value);
    };
    const bool tty = isatty(STDERR_FILENO) != 0;
    const auto t0 = Clock::now();
    const auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - t0).count(); };
    auto last_progress = t0;
    int started = 0;
    while (!stop && static_cast<int>(driver.finished()) < o.count) {
      while (started < o.count && started - static_cast<int>(driver.finished()) < o.concurrency) {
        const auto id = o.run_id + "-" + std::to_string(started);
        const auto n = o.first_citizen + static_cast<std::uint64_t>(started);
        send({driver.start(id, n, mix->next())});
        ++started;
      }
      // The screens first, so a code is usually known before qr.scan is asked.
      for (const auto& screen : screens) {
        for (const auto& m : screen->poll_batch(1000, std::chrono::milliseconds(0))) {
          send(tolerant([&] { return driver.on_request(parse_or_null(m.value)); }));
        }
      }
      for (const auto& m : events.poll_batch(1000, std::chrono::milliseconds(50))) {
        send(tolerant([&] { return driver.on_event(parse_or_null(m.value)); }));
      }
      producer.poll(0);
      const auto now = Clock::now();
      if (now - last_fetch > std::chrono::seconds(o.key_refresh_s)) refresh_key();
      if (now - last_progress > std::chrono::seconds(tty ? 1 : 5)) {
        sim::print_progress(driver, o.count, elapsed(), tty);
        last_progress = now;
      }
      if (now - t0 > std::chrono::seconds(o.timeout_s)) break;
    }
    producer.flush(5000);
    sim::print_progress(driver, o.count, elapsed(), tty);
    if (tty) std::fputc('\n', stderr);

    const auto counts = driver.outcome_counts();
    std::size_t issued = 0;
    if (auto it = counts.find(sim::Outcome::issued); it != counts.end()) issued = it->second;
    if (o.json) {
      std::cout << sim::summary_json(driver, elapsed()).dump() << "\n";
    } else {
      sim::print_summary(std::cout, driver, elapsed());
    }
    if (stop) return 130;
    const long long min_issued =
        o.min_issued >= 0
            ? o.min_issued
            : static_cast<long long>(o.count) - static_cast<long long>(driver.cannot_issue());
    return static_cast<long long>(issued) >= min_issued ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "enroll-sim-citizens: " << e.what() << "\n";
    return 1;
  }
}
