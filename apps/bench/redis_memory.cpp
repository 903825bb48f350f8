#include "apps/bench/redis_memory.hpp"

#include <algorithm>
#include <numeric>

#include "adapters/redis/cluster_router.hpp"
#include "adapters/redis/connect.hpp"
#include "adapters/redis/keyspace.hpp"
#include "apps/bench/figures/redis_info.hpp"
#include "errors/errc.hpp"

namespace enroll::bench {
namespace {

// One INFO section on every master, as text, in the router's master order.
std::vector<std::string> info_of_every_master(redis::Router& router, const char* section) {
  std::vector<std::string> out;
  for (const auto& reply : router.on_every_node({"INFO", section})) {
    if (reply->type != REDIS_REPLY_STRING) {
      throw redis::RedisError(Errc::redis_refused, "INFO: not a text reply");
    }
    out.emplace_back(reply->str, reply->len);
  }
  return out;
}

}  // namespace

MemoryEstimate estimate_memory(const std::vector<MemorySample>& samples, long long baseline) {
  MemoryEstimate e;
  e.baseline = baseline;
  e.samples = samples.size();
  if (samples.empty()) return e;
  const auto& end = samples.back();
  if (end.finished > 0) {
    e.bytes_per_finished =
        static_cast<double>(end.used - baseline) / static_cast<double>(end.finished);
  }
  for (const auto& s : samples) e.peak_in_flight = std::max(e.peak_in_flight, s.in_flight);
  if (e.peak_in_flight == 0) return e;
  double sum = 0;
  for (const auto& s : samples) {
    if (s.in_flight * 10 < e.peak_in_flight * 9) continue;
    sum += (static_cast<double>(s.used - baseline) -
            e.bytes_per_finished * static_cast<double>(s.finished)) /
           static_cast<double>(s.in_flight);
    ++e.peak_samples;
  }
  e.bytes_per_in_flight = sum / static_cast<double>(e.peak_samples);
  return e;
}

RedisMemory::RedisMemory(const std::string& url) : router_(redis::connect(url)) {
  // The masters in the order on_every_node() answers: the slot map's for a cluster.
  if (const auto* cluster = dynamic_cast<const redis::ClusterRouter*>(router_.get())) {
    for (const auto& node : cluster->masters()) masters_.push_back({node.str()});
  } else {
    const auto e = redis::parse_redis_url(url);
    masters_.push_back({e.host + ":" + std::to_string(e.port)});
  }
  const auto servers = info_of_every_master(*router_, "server");
  if (servers.size() != masters_.size()) {
    throw redis::RedisError(Errc::redis_refused, "INFO server: not one answer per master");
  }
  for (std::size_t i = 0; i < servers.size(); ++i) {
    masters_[i].pid = info_integer(servers[i], "process_id").value_or(0);
  }
}

RedisMemory::~RedisMemory() = default;

void RedisMemory::count_partitions(int partitions) {
  const auto* cluster = dynamic_cast<const redis::ClusterRouter*>(router_.get());
  for (auto& m : masters_) m.partitions = cluster == nullptr ? partitions : 0;
  if (cluster == nullptr) return;
  for (int p = 0; p < partitions; ++p) {
    // The hash tag {p<N>} alone decides the slot, whatever the namespace.
    const auto node = cluster->node_of({redis::keys::partition_prefix("enroll", p)});
    if (!node) continue;
    for (auto& m : masters_) {
      if (m.address == node->str()) ++m.partitions;
    }
  }
}

std::vector<long long> RedisMemory::used_memory() {
  const auto infos = info_of_every_master(*router_, "memory");
  if (infos.size() != masters_.size()) {
    throw redis::RedisError(Errc::redis_refused, "INFO memory: not one answer per master");
  }
  std::vector<long long> out;
  for (const auto& text : infos) {
    const auto used = info_integer(text, "used_memory");
    if (!used) throw redis::RedisError(Errc::redis_refused, "INFO memory has no used_memory");
    out.push_back(*used);
  }
  return out;
}

void RedisMemory::take_baseline() {
  const auto used = used_memory();
  for (std::size_t i = 0; i < used.size(); ++i) masters_[i].baseline = masters_[i].last = used[i];
  baseline_ = std::accumulate(used.begin(), used.end(), 0LL);
}

void RedisMemory::sample(std::size_t in_flight, std::size_t finished) {
  const auto used = used_memory();
  for (std::size_t i = 0; i < used.size(); ++i) masters_[i].last = used[i];
  samples_.push_back({std::accumulate(used.begin(), used.end(), 0LL), in_flight, finished});
}

}  // namespace enroll::bench
