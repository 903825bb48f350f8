#pragma once
// The shared Redis Cluster (3 masters) that `ops/redis/cluster-start DIR` runs for the
// `redis_cluster` ctest fixture; ctest passes DIR in $ENROLL_TEST_REDIS_CLUSTER. Tests
// share it, so each works in its own keys (unique_name()).
//
// Immutable after construction; safe to share between threads.
#include <filesystem>
#include <string>
#include <vector>

namespace enroll::test {

class TestRedisCluster {
 public:
  // Reads $ENROLL_TEST_REDIS_CLUSTER; throws std::runtime_error naming what is missing.
  TestRedisCluster();
  explicit TestRedisCluster(const std::filesystem::path& dir);

  // "redis+cluster://enroll:PASSWORD@127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3" (every node has
  // the ACL user, see ops/redis/cluster-start)
  const std::string& url() const { return url_; }
  // "enroll:PASSWORD@": put before a node's address for a one-node URL.
  std::string login() const;
  // The masters' addresses, "127.0.0.1:PORT".
  const std::vector<std::string>& nodes() const { return nodes_; }

 private:
  std::string url_;
  std::vector<std::string> nodes_;
};

}  // namespace enroll::test
