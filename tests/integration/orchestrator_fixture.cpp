#include "tests/integration/orchestrator_fixture.hpp"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <set>
#include <thread>
#include <type_traits>

#include "adapters/codec/known_tasks.hpp"
#include "adapters/codec/outbound_check.hpp"
#include "adapters/keys/redis_password.hpp"
#include "adapters/redis/connect.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/metrics_text.hpp"
#include "workflows/audit_chain.hpp"
#include "workflows/state.hpp"

namespace enroll::test {
namespace {

// The URL without its password, which goes to <keys>/redis.password (mode 0600).
std::string login_in_key_folder(const std::string& url, const std::filesystem::path& keys) {
  const redis::Credentials login = redis::url_credentials(url);
  if (login.password.empty()) return url;
  { std::ofstream(keys / kRedisPasswordFile) << login.password << '\n'; }
  std::filesystem::permissions(keys / kRedisPasswordFile, std::filesystem::perms::owner_read |
                                                              std::filesystem::perms::owner_write);
  const auto scheme_end = url.find("://") + 3;
  const auto at = url.find('@', scheme_end);
  return url.substr(0, scheme_end) + login.user + url.substr(at);
}

}  // namespace

void OrchestratorTest::SetUp() {
  const std::string name = unique_name("it");
  topics_.prefix = name + ".";
  ns_ = name;
  services_.create_topic_set(topics_.prefix, partitions(), inbox_time());
  work_ = std::filesystem::temp_directory_path() / name;
  std::filesystem::create_directories(work_);
  trust::provision_key_folder(work_ / "keys", codec::known_tasks(), trust::system_now());
  trust_ = trust::load_trust_file(work_ / "keys");
  adjust_trust(trust_);
  trust::write_trust_file(work_ / "keys", trust_);
  trust::OperatorFile operators = trust::load_operator_file(work_ / "keys");
  adjust_operators(operators);
  trust::write_operator_file(work_ / "keys", operators);
  adjust_keys(work_ / "keys");
  keys_ = load_keys(work_ / "keys");
  field_cipher_.emplace(key_views(*keys_.field));
  operator_token_ = trust::load_demo_operator_token(work_ / "keys");
  reader_token_ = trust::load_token_file(reader_token_file());
  signers_.emplace(trust::Signers::load(work_ / "keys"));
  redis_ = redis::connect(redis_url());
  // enrollmentd gets the Redis password as a deployment gives it: in the key folder's
  // redis.password, the URL naming the user alone.
  const std::string daemon_redis = login_in_key_folder(redis_url(), work_ / "keys");
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
      services_.brokers(),
      std::map<std::string, std::string>{{"partitioner", "murmur2_random"},
                                         {"reconnect.backoff.max.ms", "1000"}});
  daemon_options_ = ChildProcess::Options{{ENROLLMENTD_BIN,
                                           "--brokers",
                                           services_.brokers(),
                                           "--redis",
                                           daemon_redis,
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
  // The mock dev broker has neither DescribeConfigs nor LogAppendTime: its tests take the
  // producer's stamps (README, "Time from the broker").
  if (services_.devbroker()) {
    for (const char* flag : {"--inbox-time", "producer"}) daemon_options_->argv.emplace_back(flag);
  }
  for (auto& flag : daemon_flags()) daemon_options_->argv.push_back(std::move(flag));
  daemon_options_->env = daemon_env();
  daemon_ = std::make_unique<ChildProcess>(*daemon_options_);
  connectors_ = std::make_unique<ChildProcess>(connectors_options("connectors", connector_flags()));
}

ChildProcess::Options OrchestratorTest::connectors_options(const std::string& name,
                                                           std::vector<std::string> flags,
                                                           const std::string& group) {
  std::vector<std::string> sim{SIM_CONNECTORS_BIN,
                               "--brokers",
                               services_.brokers(),
                               "--topic-prefix",
                               topics_.prefix,
                               "--group",
                               topics_.prefix + (group.empty() ? name : group),
                               "--scenario",
                               (work_ / "scenario.json").string(),
                               "--keys",
                               (work_ / "keys").string()};
  for (auto& flag : flags) sim.push_back(std::move(flag));
  return ChildProcess::Options{sim, work_ / (name + ".log")};
}

void OrchestratorTest::TearDown() {
  const int daemon_status = daemon_ ? daemon_->stop() : 0;
  if (connectors_) connectors_->stop();
  // SIGTERM must end enrollmentd cleanly: batch committed, exit 0.
  EXPECT_EQ(daemon_status, 0) << daemon_->log();
  expect_emitted_match_schemas();
  if (HasFailure()) {
    std::cerr << "--- enrollmentd log ---\n" << (daemon_ ? daemon_->log() : "") << "\n";
    std::cerr << "--- connectors log ---\n" << (connectors_ ? connectors_->log() : "") << "\n";
  }
  std::error_code ec;
  std::filesystem::remove_all(work_, ec);
}

void OrchestratorTest::expect_exactly_once(const std::vector<std::string>& ids) {
  // The citizens see a registration's last event before its audit record may reach
  // enroll.audit (the relay still retrying a partition whose leader moved: one record was
  // missing once in kafka_cluster_faults_test), so the topic is read once every outbox is empty.
  wait_until_caught_up();
  TopicReader audit(services_.brokers(), topics_.audit());
  audit.read_to_end();
  std::map<std::string, std::map<std::int64_t, nlohmann::json>> chains;  // id -> seq -> record
  std::set<std::string> seen;

  for (const auto& m : audit.messages()) {
    const auto e = nlohmann::json::parse(m.value);
    if (is_checkpoint_event(e)) continue;  // audit_anchor_test checks those
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
    std::vector<nlohmann::json> records;
    for (const auto& [seq, rec] : chain) records.push_back(rec);
    const auto broken = verify_chain(records);
    EXPECT_FALSE(broken.has_value()) << id << " seq " << broken->seq << ": " << broken->why;
    EXPECT_EQ(state->at("audit_head"), chain.empty() ? "" : chain.rbegin()->second.at("hash"))
        << id;
  }
}

void OrchestratorTest::expect_emitted_match_schemas() {
  std::vector<std::string> topics{topics_.events(), topics_.audit(), topics_.dlq()};
  // (The orchestrator connector's tasks run inside enrollmentd: it has no topic.)
  for (const char* connector : {"capture", "registry", "officer"}) {
    topics.push_back(topics_.requests(connector));
  }
  TopicReader emitted(services_.brokers(), topics);
  emitted.read_to_end();
  const codec::SchemaSet schemas;
  std::size_t refused = 0;
  for (const auto& m : emitted.messages()) {
    const auto why = codec::check_outbound(schemas, m.value);
    if (why.empty()) continue;
    // The first few in full; the count says how many in all.
    if (++refused <= 3) ADD_FAILURE() << m.topic << ": " << why << " in " << m.value;
  }
  EXPECT_EQ(refused, 0u) << "of " << emitted.messages().size() << " messages emitted";
}

namespace {

std::string partition_key(const std::string& ns, int partition, const std::string& suffix) {
  return ns + ":{p" + std::to_string(partition) + "}:" + suffix;
}

std::int64_t integer_of(redis::Router& redis, const std::vector<std::string>& argv) {
  auto r = redis.command({argv.at(1)}, argv);
  if (r->type == REDIS_REPLY_INTEGER) return r->integer;
  if (r->type == REDIS_REPLY_STRING) return std::stoll(std::string(r->str, r->len));
  return 0;
}

// True once every partition's committed offset (in Redis) reached `ends` and its outbox is
// relayed: everything read is applied and everything emitted is on Kafka.
bool caught_up(redis::Router& redis, const std::string& ns, const std::vector<std::int64_t>& ends) {
  for (int p = 0; p < static_cast<int>(ends.size()); ++p) {
    if (integer_of(redis, {"GET", partition_key(ns, p, "offset")}) < ends[p]) return false;
    if (integer_of(redis, {"XLEN", partition_key(ns, p, "outbox")}) != 0) return false;
  }
  return true;
}

// Per partition (of `partitions`), the offset after the last of `messages`.
std::vector<std::int64_t> ends_of(const std::vector<KafkaMessage>& messages, int partitions) {
  std::vector<std::int64_t> ends(static_cast<std::size_t>(partitions), 0);
  for (const auto& m : messages) ends[m.partition] = std::max(ends[m.partition], m.offset + 1);
  return ends;
}

// Every stored state of a namespace, decoded and written as JSON with its personal fields
// sealed (deterministic, so two runs' records compare field by field, sealed forms included).
std::map<std::string, nlohmann::json> states_in(redis::Router& redis, const std::string& ns,
                                                const crypto::FieldCipher& cipher) {
  std::map<std::string, nlohmann::json> out;
  for (const auto& keys : redis.on_every_node({"KEYS", ns + ":{p*}:reg:*"})) {
    for (std::size_t i = 0; i < keys->elements; ++i) {
      const std::string key(keys->element[i]->str, keys->element[i]->len);
      auto v = redis.command({key}, {"GET", key});
      out[key.substr(key.find(":reg:") + 5)] =
          state_to_json(state_from_record(std::string_view(v->str, v->len), &cipher), &cipher);
    }
  }
  return out;
}

// Distinct emitted messages (by id) per registration: id -> data.
using Emitted = std::map<std::string, std::map<std::string, nlohmann::json>>;
Emitted emitted_on(const std::string& brokers, const std::vector<std::string>& topics) {
  TopicReader reader(brokers, topics);
  reader.read_to_end();
  Emitted out;
  for (const auto& m : reader.messages()) {
    const auto e = nlohmann::json::parse(m.value);
    // Audit checkpoints depend on when the interval struck, not on the log: not compared.
    if (is_checkpoint_event(e)) continue;
    out[e.value("subject", "")][e.at("id").get<std::string>()] = e.at("data");
  }
  return out;
}

// The first `limit` differences between two maps, for a readable failure.
template <typename Map>
std::string differences(const Map& got, const Map& want, std::size_t limit = 5) {
  std::string out;
  std::size_t n = 0;
  for (const auto& [k, v] : want) {
    const auto it = got.find(k);
    if (it == got.end()) {
      out += "\n  missing in the faulty run: " + k;
    } else if (it->second != v) {
      out += "\n  differs: " + k;
      if constexpr (std::is_same_v<typename Map::mapped_type, nlohmann::json>) {
        out += ": " + nlohmann::json::diff(v, it->second).dump();
      }
    } else {
      continue;
    }
    if (++n == limit) return out + "\n  ...";
  }
  for (const auto& [k, v] : got) {
    if (want.count(k) == 0) {
      out += "\n  only in the faulty run: " + k;
      if (++n == limit) return out + "\n  ...";
    }
  }
  return out;
}

}  // namespace

void OrchestratorTest::wait_until_caught_up(std::chrono::seconds timeout) {
  producer_->flush(timeout);
  TopicReader inbox(services_.brokers(), topics_.inbox());
  inbox.read_to_end();
  const auto ends = ends_of(inbox.messages(), partitions());
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!caught_up(*redis_, ns_, ends)) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "enrollmentd did not catch up";
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

void OrchestratorTest::expect_matches_reference(std::chrono::seconds timeout) {
  // 1. Let this run finish what it holds: no new input, every inbox message applied and every
  //    output relayed (checked twice, a second apart), then stop it cleanly.
  producer_->flush(std::chrono::seconds(60));
  if (connectors_) connectors_->stop();
  TopicReader inbox(services_.brokers(), topics_.inbox());
  const auto quiet_by = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  int quiet = 0;
  while (quiet < 2) {
    ASSERT_LT(std::chrono::steady_clock::now(), quiet_by) << "the faulty run never became quiet";
    inbox.read_to_end();
    quiet = caught_up(*redis_, ns_, ends_of(inbox.messages(), partitions())) ? quiet + 1 : 0;
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  for (auto* instance : instances()) {
    EXPECT_EQ(instance->stop(), 0) << instance->log();
  }
  inbox.read_to_end();
  const auto consumed = ends_of(inbox.messages(), partitions());
  ASSERT_TRUE(caught_up(*redis_, ns_, consumed)) << "input arrived after the run was stopped";

  // 2. The same inputs, in the same partitions and order, with the same timestamps: the
  //    reference inbox is a CreateTime topic, so that each copy keeps the stamp the faulty
  //    run's broker gave the original (LogAppendTime would stamp the copies anew, and the
  //    engine's clock with them).
  Topics ref_topics;
  ref_topics.prefix = topics_.prefix + "ref.";
  const std::string ref_ns = ns_ + "-ref";
  services_.create_topic_set(ref_topics.prefix, partitions(), TestServices::InboxTime::create);
  for (const auto& m : inbox.messages()) producer_->copy(ref_topics.inbox(), m);
  producer_->flush(std::chrono::seconds(60));

  // 3. A fault-free run over them.
  auto options = *daemon_options_;
  options.log_file = work_ / "enrollmentd-ref.log";
  options.append_log = false;
  for (std::size_t i = 0; i + 1 < options.argv.size(); ++i) {
    const std::string& flag = options.argv[i];
    if (flag == "--topic-prefix") options.argv[i + 1] = ref_topics.prefix;
    if (flag == "--redis-namespace") options.argv[i + 1] = ref_ns;
    if (flag == "--group") options.argv[i + 1] += "-ref";
    if (flag == "--instance") options.argv[i + 1] = "ref";
    if (flag == "--http-port-file") options.argv[i + 1] = (work_ / "http-ref.port").string();
  }
  // Its inbox is CreateTime (the copies keep the faulty run's stamps): the override.
  if (std::find(options.argv.begin(), options.argv.end(), "--inbox-time") == options.argv.end()) {
    options.argv.emplace_back("--inbox-time");
    options.argv.emplace_back("producer");
  }
  {
    ChildProcess reference(options);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!caught_up(*redis_, ref_ns, consumed)) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the reference run did not finish\n"
                                                            << reference.log();
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    EXPECT_EQ(reference.stop(), 0) << reference.log();
  }

  // 4. The same outcome, registration by registration.
  const auto states = states_in(*redis_, ns_, *field_cipher_);
  const auto ref_states = states_in(*redis_, ref_ns, *field_cipher_);
  EXPECT_FALSE(ref_states.empty());
  std::cout << "reference run: " << inbox.messages().size() << " inbox messages replayed, "
            << ref_states.size() << " registrations compared\n";
  EXPECT_EQ(states, ref_states) << "stored states differ:" << differences(states, ref_states);

  std::vector<std::string> outputs{topics_.events()}, ref_outputs{ref_topics.events()};
  for (const char* connector : {"capture", "registry", "officer"}) {
    outputs.push_back(topics_.requests(connector));
    ref_outputs.push_back(ref_topics.requests(connector));
  }
  const auto events = emitted_on(services_.brokers(), outputs);
  const auto ref_events = emitted_on(services_.brokers(), ref_outputs);
  EXPECT_EQ(events, ref_events) << "emitted events differ:" << differences(events, ref_events);

  const auto audit = emitted_on(services_.brokers(), {topics_.audit()});
  const auto ref_audit = emitted_on(services_.brokers(), {ref_topics.audit()});
  EXPECT_EQ(audit, ref_audit) << "audit records differ:" << differences(audit, ref_audit);
  std::size_t n_events = 0, n_audit = 0;
  for (const auto& [id, e] : events) n_events += e.size();
  for (const auto& [id, a] : audit) n_audit += a.size();
  std::cout << "reference run: " << n_events << " distinct events and requests, " << n_audit
            << " distinct audit records compared\n";
}

void OrchestratorTest::restart_daemon(int signal) {
  daemon_->signal(signal);
  ASSERT_TRUE(daemon_->wait_exit(std::chrono::seconds(15)).has_value());
  auto options = *daemon_options_;
  options.append_log = true;                     // keep what the first instance said
  std::filesystem::remove(work_ / "http.port");  // the new instance writes its own port
  daemon_ = std::make_unique<ChildProcess>(options);
}

std::vector<std::string> OrchestratorTest::start_self_service(sim::CitizenDriver& driver, int count,
                                                              std::uint64_t first_citizen,
                                                              std::string_view stem) {
  std::vector<std::string> ids;
  for (int i = 0; i < count; ++i) {
    ids.push_back(unique_name(stem));
    const auto start = driver.start(ids.back(), first_citizen + static_cast<std::uint64_t>(i),
                                    "self-service", sim::Persona::none);
    send(start.key, start.value);
  }
  return ids;
}

std::size_t OrchestratorTest::issued(const sim::CitizenDriver& driver,
                                     const std::vector<std::string>& ids) {
  return static_cast<std::size_t>(std::count_if(ids.begin(), ids.end(), [&](const auto& id) {
    return driver.outcome_of(id) == sim::Outcome::issued;
  }));
}

std::string OrchestratorTest::unfinished(const sim::CitizenDriver& driver,
                                         const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) {
    const auto outcome = driver.outcome_of(id);
    if (outcome == sim::Outcome::issued) continue;
    out += "\n  " + id + ": driver saw " + (outcome ? std::string(to_string(*outcome)) : "nothing");
    const auto state = stored_state(id);
    if (!state) {
      out += ", no stored state";
      continue;
    }
    for (const char* field : {"machine", "phase", "step", "stage", "attempt", "pending_request",
                              "step_reason", "reason"}) {
      if (state->contains(field)) out += std::string(", ") + field + " " + state->at(field).dump();
    }
    // What the driver read of it, against what the topic holds: a reader that missed an event
    // and a daemon that never emitted it are different bugs.
    const auto types_of = [&](const std::vector<KafkaMessage>& events) {
      std::string types;
      for (const auto& m : events) {
        if (m.key != id) continue;
        const auto e = nlohmann::json::parse(m.value);
        types += " " + e.value("type", "?") + "@" + std::to_string(m.partition) + ":" +
                 std::to_string(m.offset);
      }
      return types;
    };
    TopicReader now(services_.brokers(), topics_.events());
    now.read_to_end();
    out += "\n    drive() read:" + types_of(driven_events_) +
           "\n    the topic holds:" + types_of(now.messages());
  }
  return out;
}

std::vector<KafkaMessage> OrchestratorTest::drive(sim::CitizenDriver& driver,
                                                  const std::vector<std::string>& ids,
                                                  std::chrono::seconds timeout,
                                                  bool locked_is_final, const Tick& on_tick) {
  DriveOptions options;
  options.locked_is_final = locked_is_final;
  options.on_tick = on_tick;
  return drive(driver, ids, timeout, options);
}

std::vector<KafkaMessage> OrchestratorTest::drive(sim::CitizenDriver& driver,
                                                  const std::vector<std::string>& ids,
                                                  std::chrono::seconds timeout,
                                                  const DriveOptions& options) {
  const bool locked_is_final = options.locked_is_final;
  const auto& on_tick = options.on_tick;
  const auto& withhold = options.withhold;
  bool withheld = false;
  const auto started = std::chrono::steady_clock::now();
  TopicReader events(services_.brokers(), topics_.events());
  TopicReader officer(services_.brokers(), topics_.requests("officer"));
  TopicReader kiosk(services_.brokers(), topics_.requests("capture"));  // pairing codes
  std::size_t fed_events = 0, fed_requests = 0, fed_kiosk = 0;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  // Per registration: when it last moved, and the commands the driver sent then.
  struct Last {
    std::chrono::steady_clock::time_point at;
    std::vector<sim::Command> commands;
  };
  std::map<std::string, Last> last;
  std::size_t resent = 0;
  const auto sent = [&](const std::string& id, std::vector<sim::Command> commands) {
    for (const auto& cmd : commands) send(cmd.key, cmd.value);
    auto& l = last[id];
    l.at = std::chrono::steady_clock::now();
    if (!commands.empty()) l.commands = std::move(commands);
  };
  const auto all_done = [&] {
    return std::all_of(ids.begin(), ids.end(), [&](const std::string& id) {
      const auto o = driver.outcome_of(id);
      // Locked and incident wait for time or an operator: final only when the test says so.
      const bool held = o == sim::Outcome::locked || o == sim::Outcome::incident;
      return o && *o != sim::Outcome::pending && (locked_is_final || !held);
    });
  };
  while (!all_done() && std::chrono::steady_clock::now() < deadline) {
    if (on_tick) on_tick(std::chrono::steady_clock::now() - started);
    producer_->poll();
    // poll_until checks before it polls: wait for something new.
    events.poll_until([&](const auto& all) { return all.size() > fed_events; },
                      std::chrono::milliseconds(100));
    officer.poll_until([&](const auto& all) { return all.size() > fed_requests; },
                       std::chrono::milliseconds(5));
    for (; fed_requests < officer.messages().size(); ++fed_requests) {
      const auto& m = officer.messages()[fed_requests];
      sent(m.key, driver.on_request(nlohmann::json::parse(m.value)));
    }
    kiosk.poll_until([&](const auto& all) { return all.size() > fed_kiosk; },
                     std::chrono::milliseconds(5));
    for (; fed_kiosk < kiosk.messages().size(); ++fed_kiosk) {
      const auto& m = kiosk.messages()[fed_kiosk];
      sent(m.key, driver.on_request(nlohmann::json::parse(m.value)));
    }
    for (; fed_events < events.messages().size(); ++fed_events) {
      const auto event = nlohmann::json::parse(events.messages()[fed_events].value);
      if (withhold && withhold(event)) {
        withheld = true;
        continue;
      }
      sent(events.messages()[fed_events].key, driver.on_event(event));
    }
    if (withheld && options.stop_when_withheld) break;
    if (options.resend_after.count() > 0) {
      const auto now = std::chrono::steady_clock::now();
      for (auto& [id, l] : last) {
        if (now - l.at < options.resend_after || l.commands.empty() ||
            driver.outcome_of(id) != sim::Outcome::pending) {
          continue;
        }
        for (const auto& cmd : l.commands) send(cmd.key, cmd.value);
        l.at = now;
        resent += l.commands.size();
      }
    }
  }
  if (resent > 0) {
    std::cout << "drive(): re-sent " << resent << " command(s) that got no answer within "
              << options.resend_after.count() << " s\n";
  }
  driven_events_ = events.messages();
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

OrchestratorTest::Metrics OrchestratorTest::metrics_when_quiet(
    std::uint16_t port, TopicReader& inbox, const std::function<bool(const Metrics&)>& settled,
    std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    inbox.poll_until([](const auto&) { return false; }, std::chrono::milliseconds(300));
    const auto r = http_get(port, "/metrics");
    if (r.status != 200) throw std::runtime_error("GET /metrics answered " + r.body);
    auto metrics = parse_metrics(r.body);
    if ((metrics["enroll_events_consumed_total"] == static_cast<double>(inbox.messages().size()) &&
         metrics["enroll_outbox_backlog"] == 0 && settled(metrics)) ||
        std::chrono::steady_clock::now() > deadline) {
      return metrics;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
}

void OrchestratorTest::send(const std::string& key, const std::string& value) {
  try {
    sent_[key].push_back(nlohmann::json::parse(value).value("type", "?"));
  } catch (const nlohmann::json::exception&) {
    sent_[key].push_back("(not JSON)");
  }
  producer_->send(topics_.inbox(), key, value);
  if (duplicate_sends_) producer_->send(topics_.inbox(), key, value);
  // Not waiting for delivery: a broker down for a while (broker_faults_test) must not stall
  // the test's loop; the idempotent producer keeps the order, and drive() serves it.
  producer_->poll();
}

std::optional<std::string> OrchestratorTest::stored_record(const std::string& id) {
  const auto keys = redis_keys(ns_ + ":{p*}:reg:" + id);
  if (keys.size() != 1) return std::nullopt;
  auto value = redis_->command({keys[0]}, {"GET", keys[0]});
  if (value->type != REDIS_REPLY_STRING) return std::nullopt;
  return std::string(value->str, value->len);
}

std::optional<nlohmann::json> OrchestratorTest::stored_state(const std::string& id) {
  const auto record = stored_record(id);
  if (!record) return std::nullopt;
  // The personal fields opened (issue 15): what the engine reads, in the clear.
  return state_to_json(state_from_record(*record, &*field_cipher_));
}

std::vector<std::string> OrchestratorTest::redis_keys(const std::string& pattern) {
  std::vector<std::string> out;
  for (const auto& reply : redis_->on_every_node({"KEYS", pattern})) {
    for (std::size_t i = 0; i < reply->elements; ++i) {
      out.emplace_back(reply->element[i]->str, reply->element[i]->len);
    }
  }
  return out;
}

int OrchestratorTest::enrollctl(const std::vector<std::string>& args, std::string& out) {
  std::vector<std::string> argv{ENROLLCTL_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  // Reads with the demo reader's token, as a dashboard user's; a command that names its own
  // token (--keys for an action, --token, --token-file) uses that.
  const bool own_token = std::any_of(args.begin(), args.end(), [](const std::string& a) {
    return a == "--keys" || a == "--token" || a == "--token-file";
  });
  std::map<std::string, std::string> env{{"ENROLL_OPERATOR_TOKEN", ""}, {"ENROLL_TOKEN_FILE", ""}};
  if (!own_token) env["ENROLL_TOKEN_FILE"] = reader_token_file().string();
  ChildProcess ctl(ChildProcess::Options{argv, work_ / "enrollctl.log", env});
  const auto status = ctl.wait_exit(std::chrono::seconds(30));
  out = ctl.log();
  return status.value_or(-1);
}

std::vector<std::string> OrchestratorTest::all_redis_values() {
  std::vector<std::string> out;
  for (const auto& key : redis_keys(ns_ + ":*")) {
    auto type = redis_->command({key}, {"TYPE", key});
    if (std::string(type->str) == "string") {
      auto v = redis_->command({key}, {"GET", key});
      out.emplace_back(v->str, v->len);
    } else if (std::string(type->str) == "list") {  // a registration's history
      auto v = redis_->command({key}, {"LRANGE", key, "0", "-1"});
      for (std::size_t e = 0; e < v->elements; ++e) {
        out.emplace_back(v->element[e]->str, v->element[e]->len);
      }
    } else if (std::string(type->str) == "hash") {  // meta, funnel: names and counts
      auto v = redis_->command({key}, {"HGETALL", key});
      for (std::size_t e = 0; e < v->elements; ++e) {
        out.emplace_back(v->element[e]->str, v->element[e]->len);
      }
    } else if (std::string(type->str) == "stream") {
      auto v = redis_->command({key}, {"XRANGE", key, "-", "+"});
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

std::string OrchestratorTest::resigned(nlohmann::json event) const {
  const auto* key = trust_.key(trust::KeyId(event.at("keyid").get<std::string>()));
  if (key == nullptr) throw std::runtime_error("resigned(): no key " + event.at("keyid").dump());
  signers().get(key->principal).sign(event);
  return event.dump();
}

}  // namespace enroll::test
