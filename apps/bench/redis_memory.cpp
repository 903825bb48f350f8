#include "apps/bench/redis_memory.hpp"

#include <algorithm>

namespace enroll::bench {

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

RedisMemory::RedisMemory(const std::string& url) : client_(redis::parse_redis_url(url)) {}

long long RedisMemory::used_memory() {
  const auto reply = client_.command({"INFO", "memory"});
  const std::string text = "\n" + std::string(reply->str, reply->len);
  const std::string key = "\nused_memory:";
  const auto at = text.find(key);
  if (at == std::string::npos)
    throw redis::RedisError(Errc::redis_refused, "INFO memory has no used_memory");
  return std::stoll(text.substr(at + key.size()));
}

void RedisMemory::take_baseline() { baseline_ = used_memory(); }

void RedisMemory::sample(std::size_t in_flight, std::size_t finished) {
  samples_.push_back({used_memory(), in_flight, finished});
}

}  // namespace enroll::bench
