#pragma once
// enroll-bench's command line (CLI11). parse_options() returns nullopt after --help and
// throws UsageError (exit 2) on bad usage.
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "adapters/codec/topics.hpp"
#include "adapters/kafka/security.hpp"

namespace enroll::bench {

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ProcessRef {
  std::string name;
  int pid = 0;
};

struct Options {
  std::string brokers;
  kafka::Security kafka_security;
  Topics topics;
  std::string keys;
  std::string api;  // enrollmentd's HTTP API: the signed passcode sealing key
  std::string ca_file;
  std::string redis;
  int count = 10'000;
  int concurrency = 200;
  double rate = 0;  // > 0: open loop at this many new registrations per second
  std::string channels = "self-service";  // as given; mix_spec is what ChannelMix parses
  std::string mix_spec;
  int warmup = 20;
  int timeout_s = 900;
  // enrollmentd's instances: their pids (CPU, summed) and their APIs' /metrics (the pipeline
  // figures, summed; partitions owned each). metrics_apis defaults to {api}; when both are
  // given for several instances they pair up in order.
  std::vector<int> enrollmentd_pids;
  std::vector<std::string> metrics_apis;
  std::vector<ProcessRef>
      processes;  // more processes whose CPU is reported (a repeated name: summed)
  std::vector<std::pair<std::string, std::string>> labels;  // printed beside the figures
  std::string run_id;
  bool json = false;
  // The run's Argon2id cost (enrollmentd's --passcode-*): 0 leaves the hashing limit out.
  unsigned long long passcode_opslimit = 0;
  std::size_t passcode_memlimit_kib = 0;
  int hash_samples = 20;
};

std::optional<Options> parse_options(int argc, char** argv);

// --metrics-api defaults to --api; with --enrollmentd-pid, one of each per instance
// (UsageError otherwise).
void check_instances(Options& o);

// "self-service" or "a,b" (weight 1 each) or "a=60,b=40" -> the CHANNEL=WEIGHT form.
std::string mix_spec_of(const std::string& channels);

}  // namespace enroll::bench
