#pragma once
// Redis memory per registration, from INFO memory's used_memory (what the allocator holds
// for keys, values, buffers and scripts; not RSS). On a Redis Cluster, used_memory is summed
// over the masters at each sample, and each master's own growth is kept: how the load is
// spread over them.
//
// enrollmentd keeps a finished registration's state, so the memory above the baseline
// (taken before any registration) is held by the registrations in flight and by those
// finished so far. The final sample, after the drain (nothing in flight), gives what a
// finished registration keeps: b = (used_end - baseline) / finished_end. Each sample taken
// at the peak of in-flight registrations (at least 90% of the peak) then gives
//   a = (used - baseline - b * finished) / in_flight
// and the reported bytes per in-flight registration is the mean of those.
//
// Owner: one thread.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/redis/router.hpp"

namespace enroll::bench {

struct MemorySample {
  long long used = 0;
  std::size_t in_flight = 0;
  std::size_t finished = 0;
};

struct MemoryEstimate {
  long long baseline = 0;
  std::size_t samples = 0;       // taken through the run
  std::size_t peak_samples = 0;  // of which at the peak
  std::size_t peak_in_flight = 0;
  double bytes_per_finished = 0;              // b
  std::optional<double> bytes_per_in_flight;  // a; nullopt without a sample at the peak
};

// One master (the one server of a redis:// URL): its used_memory at the baseline and at the
// last sample, and the inbox partitions whose keys' slot it serves.
struct MasterMemory {
  std::string address;  // host:port
  long long pid = 0;    // INFO server's process_id (0 if not given)
  long long baseline = 0;
  long long last = 0;
  int partitions = 0;
};

// The method above, on samples whose last one is the one after the drain.
MemoryEstimate estimate_memory(const std::vector<MemorySample>& samples, long long baseline);

class RedisMemory {
 public:
  // A redis:// or redis+cluster:// URL. Throws RedisError, Error(bad_url).
  explicit RedisMemory(const std::string& url);
  ~RedisMemory();
  RedisMemory(const RedisMemory&) = delete;
  RedisMemory& operator=(const RedisMemory&) = delete;

  // Counts, for each master, the partitions 0..partitions-1 whose keys ({p<N>} hash tags,
  // adapters/redis/keyspace.hpp) it serves.
  void count_partitions(int partitions);
  void take_baseline();
  void sample(std::size_t in_flight, std::size_t finished);
  [[nodiscard]] MemoryEstimate estimate() const { return estimate_memory(samples_, baseline_); }
  [[nodiscard]] const std::vector<MasterMemory>& masters() const { return masters_; }

 private:
  // used_memory of each master, in masters_' order; throws RedisError.
  std::vector<long long> used_memory();
  std::unique_ptr<redis::Router> router_;
  std::vector<MasterMemory> masters_;
  long long baseline_ = 0;
  std::vector<MemorySample> samples_;
};

}  // namespace enroll::bench
