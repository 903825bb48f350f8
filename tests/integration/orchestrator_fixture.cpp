#include "tests/integration/orchestrator_fixture.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <thread>

#include "workflows/crypto/hashing.hpp"

namespace enroll::test {

void OrchestratorTest::SetUp() {
  const std::string name = unique_name("it");
  topics_.prefix = name + ".";
  ns_ = name;
  services_.create_topic_set(topics_.prefix, partitions());
  work_ = std::filesystem::temp_directory_path() / name;
  std::filesystem::create_directories(work_);
  generate_keys(work_ / "keys");
  keys_ = load_keys(work_ / "keys");
  redis_ = std::make_unique<redis::Client>(redis::parse_redis_url(redis_url()));
  // The channel definitions, copied so that a test may adjust them.
  const auto workflows = work_ / "workflows";
  std::filesystem::create_directories(workflows);
  for (const auto& f : std::filesystem::directory_iterator(ENROLL_WORKFLOWS_DIR)) {
    if (f.path().extension() != ".json") continue;
    std::ifstream in(f.path());
    auto def = nlohmann::json::parse(in);
    adjust_definition(def);
    std::ofstream(workflows / f.path().filename()) << def.dump(2);
  }
  std::ofstream(work_ / "scenario.json") << scenario().dump(2);
  producer_ = std::make_unique<TestProducer>(
      services_.brokers(), std::map<std::string, std::string>{{"partitioner", "murmur2_random"}});
  daemon_options_ = ChildProcess::Options{{ENROLLMENTD_BIN,
                                           "--brokers",
                                           services_.brokers(),
                                           "--redis",
                                           redis_url(),
                                           "--topic-prefix",
                                           topics_.prefix,
                                           "--group",
                                           name + "-orchestrator",
                                           "--redis-namespace",
                                           ns_,
                                           "--keys",
                                           (work_ / "keys").string(),
                                           "--session-timeout-ms",
                                           "6000",
                                           "--passcode-memlimit-kib",
                                           "8192",
                                           "--instance",
                                           "it",
                                           "--workflows",
                                           workflows.string(),
                                           "--http",
                                           "127.0.0.1:0",
                                           "--http-port-file",
                                           (work_ / "http.port").string()},
                                          work_ / "enrollmentd.log"};
  for (auto& flag : daemon_flags()) daemon_options_->argv.push_back(std::move(flag));
  daemon_ = std::make_unique<ChildProcess>(*daemon_options_);
  std::vector<std::string> sim{
      SIM_CONNECTORS_BIN,   "--brokers",    services_.brokers(),
      "--topic-prefix",     topics_.prefix, "--group",
      name + "-connectors", "--scenario",   (work_ / "scenario.json").string()};
  for (auto& flag : connector_flags()) sim.push_back(std::move(flag));
  connectors_ =
      std::make_unique<ChildProcess>(ChildProcess::Options{sim, work_ / "connectors.log"});
}

void OrchestratorTest::TearDown() {
  const int daemon_status = daemon_ ? daemon_->stop() : 0;
  if (connectors_) connectors_->stop();
  // SIGTERM must end enrollmentd cleanly: batch committed, exit 0.
  EXPECT_EQ(daemon_status, 0) << daemon_->log();
  if (HasFailure()) {
    std::cerr << "--- enrollmentd log ---\n" << (daemon_ ? daemon_->log() : "") << "\n";
    std::cerr << "--- connectors log ---\n" << (connectors_ ? connectors_->log() : "") << "\n";
  }
  std::error_code ec;
  std::filesystem::remove_all(work_, ec);
}

void OrchestratorTest::expect_exactly_once(const std::vector<std::string>& ids) {
  TopicReader audit(services_.brokers(), topics_.audit());
  audit.poll_until([](const auto&) { return false; }, std::chrono::seconds(3));
  std::map<std::string, std::map<std::int64_t, nlohmann::json>> chains;  // id -> seq -> record
  std::set<std::string> seen;

  for (const auto& m : audit.messages()) {
    const auto e = nlohmann::json::parse(m.value);
    if (!seen.insert(e.at("id").get<std::string>()).second) {
      continue;  // the same record re-sent from the outbox: same id, dropped
    }
    const auto& d = e.at("data");
    const auto [it, fresh] =
        chains[d.at("registration_id")].emplace(d.at("seq").get<std::int64_t>(), d);
    EXPECT_TRUE(fresh) << "seq " << d.at("seq") << " of " << d.at("registration_id")
                       << " applied twice (two records with different ids)";
  }
  for (const auto& id : ids) {
    const auto& chain = chains[id];
    const auto state = stored_state(id);
    ASSERT_TRUE(state.has_value()) << id;
    EXPECT_EQ(static_cast<std::int64_t>(chain.size()), state->at("audit_seq").get<std::int64_t>())
        << id;
    std::string prev;
    std::int64_t expect = 1;
    for (const auto& [seq, rec] : chain) {
      EXPECT_EQ(seq, expect++) << id << ": a gap in the chain";
      EXPECT_EQ(rec.at("prev_hash"), prev) << id << " seq " << seq;
      auto body = rec;
      body.erase("hash");
      EXPECT_EQ(crypto::sha256_hex(prev + body.dump()), rec.at("hash")) << id << " seq " << seq;
      prev = rec.at("hash");
    }
    EXPECT_EQ(state->at("audit_head"), prev) << id;
  }
}

void OrchestratorTest::restart_daemon(int signal) {
  daemon_->signal(signal);
  ASSERT_TRUE(daemon_->wait_exit(std::chrono::seconds(15)).has_value());
  auto options = *daemon_options_;
  options.append_log = true;                     // keep what the first instance said
  std::filesystem::remove(work_ / "http.port");  // the new instance writes its own port
  daemon_ = std::make_unique<ChildProcess>(options);
}

std::vector<KafkaMessage> OrchestratorTest::drive(sim::CitizenDriver& driver,
                                                  const std::vector<std::string>& ids,
                                                  std::chrono::seconds timeout,
                                                  bool locked_is_final) {
  TopicReader events(services_.brokers(), topics_.events());
  TopicReader officer(services_.brokers(), topics_.requests("officer"));
  std::size_t fed_events = 0, fed_requests = 0;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const auto all_done = [&] {
    return std::all_of(ids.begin(), ids.end(), [&](const std::string& id) {
      const auto o = driver.outcome_of(id);
      return o && *o != sim::Outcome::pending && (locked_is_final || *o != sim::Outcome::locked);
    });
  };
  while (!all_done() && std::chrono::steady_clock::now() < deadline) {
    // poll_until checks before it polls: wait for something new.
    events.poll_until([&](const auto& all) { return all.size() > fed_events; },
                      std::chrono::milliseconds(100));
    officer.poll_until([&](const auto& all) { return all.size() > fed_requests; },
                       std::chrono::milliseconds(5));
    for (; fed_requests < officer.messages().size(); ++fed_requests) {
      for (const auto& cmd :
           driver.on_request(nlohmann::json::parse(officer.messages()[fed_requests].value))) {
        send(cmd.key, cmd.value);
      }
    }
    for (; fed_events < events.messages().size(); ++fed_events) {
      for (const auto& cmd :
           driver.on_event(nlohmann::json::parse(events.messages()[fed_events].value))) {
        send(cmd.key, cmd.value);
      }
    }
  }
  return events.messages();
}

std::uint16_t OrchestratorTest::http_port(const std::filesystem::path& port_file,
                                          std::chrono::seconds timeout) {
  const auto file = port_file.empty() ? work_ / "http.port" : port_file;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    std::ifstream in(file);
    int port = 0;
    if (in >> port && port > 0) return static_cast<std::uint16_t>(port);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("no HTTP port in " + file.string() + " within the timeout");
}

void OrchestratorTest::send(const std::string& key, const std::string& value) {
  producer_->send(topics_.inbox(), key, value);
  if (duplicate_sends_) producer_->send(topics_.inbox(), key, value);
  producer_->flush();
}

std::optional<nlohmann::json> OrchestratorTest::stored_state(const std::string& id) {
  auto keys = redis_->command({"KEYS", ns_ + ":{p*}:reg:" + id});
  if (keys->elements != 1) return std::nullopt;
  auto value = redis_->command({"GET", std::string(keys->element[0]->str, keys->element[0]->len)});
  if (value->type != REDIS_REPLY_STRING) return std::nullopt;
  return nlohmann::json::parse(std::string(value->str, value->len));
}

std::vector<std::string> OrchestratorTest::all_redis_values() {
  std::vector<std::string> out;
  auto keys = redis_->command({"KEYS", ns_ + ":*"});
  for (std::size_t i = 0; i < keys->elements; ++i) {
    const std::string key(keys->element[i]->str, keys->element[i]->len);
    auto type = redis_->command({"TYPE", key});
    if (std::string(type->str) == "string") {
      auto v = redis_->command({"GET", key});
      out.emplace_back(v->str, v->len);
    } else if (std::string(type->str) == "stream") {
      auto v = redis_->command({"XRANGE", key, "-", "+"});
      for (std::size_t e = 0; e < v->elements; ++e) {
        const auto* fields = v->element[e]->element[1];
        for (std::size_t f = 0; f < fields->elements; ++f) {
          out.emplace_back(fields->element[f]->str, fields->element[f]->len);
        }
      }
    }
  }
  return out;
}

std::vector<nlohmann::json> OrchestratorTest::of(const std::vector<KafkaMessage>& messages,
                                                 const std::string& id) {
  std::vector<nlohmann::json> out;
  for (const auto& m : messages) {
    auto j = nlohmann::json::parse(m.value, nullptr, false);
    if (!j.is_discarded() && j.value("subject", "") == id) out.push_back(std::move(j));
  }
  return out;
}

}  // namespace enroll::test
