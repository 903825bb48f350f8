#include "apps/devbroker/commands.hpp"

#include <spdlog/spdlog.h>

#include <optional>
#include <vector>

#include "apps/devbroker/kafka_names.hpp"
#include "apps/devbroker/topics.hpp"

namespace enroll::devbroker {
namespace {

constexpr long long kMaxPartitions = 1024;
constexpr long long kMaxErrorCount = 100000;
constexpr long long kMaxRttMs = 60000;

constexpr std::string_view kHelp =
    "ping; bootstraps; topic create NAME PARTITIONS; topics create-set PREFIX PARTITIONS; "
    "topic error TOPIC ERRCODE; broker down|up ID; broker rtt ID MS; "
    "leader TOPIC PARTITION BROKER; request-errors APIKEY ERRCODE COUNT; "
    "request-errors clear APIKEY; coordinator group|transaction KEY BROKER";

// Thrown by the parsing helpers below; becomes an "error ..." reply.
struct BadRequest {
  std::string message;
};

std::vector<std::string_view> split_words(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t pos = 0;
  while (pos < line.size()) {
    const auto start = line.find_first_not_of(" \t", pos);
    if (start == std::string_view::npos) break;
    const auto end = line.find_first_of(" \t", start);
    words.push_back(line.substr(start, end == std::string_view::npos ? end : end - start));
    pos = end == std::string_view::npos ? line.size() : end;
  }
  return words;
}

void expect_arity(const std::vector<std::string_view>& words, std::size_t n,
                  std::string_view usage) {
  if (words.size() != n) throw BadRequest{"usage: " + std::string(usage)};
}

long long int_in(std::string_view text, long long lo, long long hi, std::string_view what) {
  const auto value = parse_int(text);
  if (!value || *value < lo || *value > hi) {
    throw BadRequest{std::string(what) + " must be an integer in " + std::to_string(lo) + ".." +
                     std::to_string(hi) + ", got '" + std::string(text) + "'"};
  }
  return *value;
}

// Broker ids run 1..N; -1 addresses every broker (the mock API's convention).
std::int32_t broker_id(std::string_view text, const MockCluster& cluster) {
  if (text == "all") return -1;
  return static_cast<std::int32_t>(int_in(text, -1, cluster.brokers(), "broker id"));
}

std::string topic_name(std::string_view text) {
  if (!valid_topic_name(text)) throw BadRequest{"invalid topic name '" + std::string(text) + "'"};
  return std::string(text);
}

std::int16_t api_key(std::string_view text) {
  const auto key = parse_api_key(text);
  if (!key) throw BadRequest{"unknown API key '" + std::string(text) + "'"};
  return *key;
}

rd_kafka_resp_err_t error_code(std::string_view text) {
  const auto code = parse_error_code(text);
  if (!code) throw BadRequest{"unknown error code '" + std::string(text) + "'"};
  return *code;
}

std::string reply(rd_kafka_resp_err_t err) {
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return "ok";
  return std::string("error ") + rd_kafka_err2name(err) + ": " + rd_kafka_err2str(err);
}

std::string run(const std::vector<std::string_view>& w, const MockCluster& cluster) {
  rd_kafka_mock_cluster_t* const mc = cluster.get();
  const std::string_view cmd = w[0];
  const std::string_view sub = w.size() > 1 ? w[1] : std::string_view{};

  if (cmd == "ping") {
    expect_arity(w, 1, "ping");
    return "ok";
  }
  if (cmd == "help") return "ok " + std::string(kHelp);
  if (cmd == "bootstraps") {
    expect_arity(w, 1, "bootstraps");
    return "ok " + cluster.bootstraps();
  }

  if (cmd == "topic" && sub == "create") {
    expect_arity(w, 4, "topic create NAME PARTITIONS");
    const auto partitions = int_in(w[3], 1, kMaxPartitions, "PARTITIONS");
    const std::string failure =
        create_topic(mc, topic_name(w[2]), static_cast<int>(partitions), cluster.brokers());
    return failure.empty() ? "ok" : "error " + failure;
  }
  if (cmd == "topics" && sub == "create-set") {
    expect_arity(w, 4, "topics create-set PREFIX PARTITIONS");
    const auto partitions = int_in(w[3], 1, kMaxPartitions, "PARTITIONS");
    std::string created;
    for (const std::string& name : contract_topics(w[2])) {
      const std::string failure =
          create_topic(mc, name, static_cast<int>(partitions), cluster.brokers());
      if (!failure.empty()) return "error " + failure;
      created += (created.empty() ? "" : ",") + name;
    }
    return "ok " + created;
  }
  if (cmd == "topic" && sub == "error") {
    expect_arity(w, 4, "topic error TOPIC ERRCODE");
    rd_kafka_mock_topic_set_error(mc, topic_name(w[2]).c_str(), error_code(w[3]));
    return "ok";
  }
  if (cmd == "broker" && (sub == "down" || sub == "up")) {
    expect_arity(w, 3, "broker down|up ID");
    const auto id = broker_id(w[2], cluster);
    return reply(sub == "down" ? rd_kafka_mock_broker_set_down(mc, id)
                               : rd_kafka_mock_broker_set_up(mc, id));
  }
  if (cmd == "broker" && sub == "rtt") {
    expect_arity(w, 4, "broker rtt ID MS");
    const auto ms = int_in(w[3], 0, kMaxRttMs, "MS");
    return reply(rd_kafka_mock_broker_set_rtt(mc, broker_id(w[2], cluster), static_cast<int>(ms)));
  }
  if (cmd == "leader") {
    expect_arity(w, 4, "leader TOPIC PARTITION BROKER");
    const auto partition = int_in(w[2], 0, kMaxPartitions - 1, "PARTITION");
    // -1 makes the partition leader-less; "all" makes no sense here.
    const auto id = static_cast<std::int32_t>(int_in(w[3], -1, cluster.brokers(), "broker id"));
    return reply(rd_kafka_mock_partition_set_leader(mc, topic_name(w[1]).c_str(),
                                                    static_cast<std::int32_t>(partition), id));
  }
  if (cmd == "request-errors" && sub == "clear") {
    expect_arity(w, 3, "request-errors clear APIKEY");
    rd_kafka_mock_clear_request_errors(mc, api_key(w[2]));
    return "ok";
  }
  if (cmd == "request-errors") {
    expect_arity(w, 4, "request-errors APIKEY ERRCODE COUNT");
    const auto key = api_key(w[1]);
    const auto code = error_code(w[2]);
    const auto count = int_in(w[3], 1, kMaxErrorCount, "COUNT");
    const std::vector<rd_kafka_resp_err_t> errors(static_cast<std::size_t>(count), code);
    rd_kafka_mock_push_request_errors_array(mc, key, errors.size(), errors.data());
    return "ok";
  }
  if (cmd == "coordinator" && (sub == "group" || sub == "transaction")) {
    expect_arity(w, 4, "coordinator group|transaction KEY BROKER");
    const auto id = static_cast<std::int32_t>(int_in(w[3], 1, cluster.brokers(), "broker id"));
    return reply(
        rd_kafka_mock_coordinator_set(mc, std::string(sub).c_str(), std::string(w[2]).c_str(), id));
  }
  throw BadRequest{"unknown command '" + std::string(cmd) +
                   (sub.empty() ? "" : " " + std::string(sub)) + "'; try 'help'"};
}

}  // namespace

std::string Commands::execute(std::string_view line) const {
  const auto words = split_words(line);
  if (words.empty()) return "error empty request; try 'help'";
  std::string result;
  try {
    const auto awake = cluster_.awake();
    result = run(words, cluster_);
  } catch (const BadRequest& bad) {
    result = "error " + bad.message;
  }
  // Every fault injected shows up in the broker's log, to explain a test's odd behaviour.
  if (words[0] != "ping" && words[0] != "bootstraps" && words[0] != "help") {
    spdlog::info("control: {} -> {}", line, result);
  }
  return result;
}

}  // namespace enroll::devbroker
