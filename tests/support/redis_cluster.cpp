#include "tests/support/redis_cluster.hpp"

#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace enroll::test {
namespace {

std::filesystem::path cluster_dir_from_env() {
  const char* dir = std::getenv("ENROLL_TEST_REDIS_CLUSTER");
  if (dir == nullptr || *dir == '\0') {
    throw std::runtime_error(
        "ENROLL_TEST_REDIS_CLUSTER is not set: run this test through ctest (fixture "
        "'redis_cluster'), or run `ops/redis/cluster-start DIR` and export "
        "ENROLL_TEST_REDIS_CLUSTER=DIR");
  }
  return dir;
}

std::vector<std::string> read_lines(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  if (lines.empty()) {
    throw std::runtime_error("cannot read " + file.string() +
                             ": is the test Redis Cluster running (ops/redis/cluster-start)?");
  }
  return lines;
}

}  // namespace

TestRedisCluster::TestRedisCluster() : TestRedisCluster(cluster_dir_from_env()) {}

TestRedisCluster::TestRedisCluster(const std::filesystem::path& dir)
    : url_(read_lines(dir / "redis-cluster.url").front()),
      nodes_(read_lines(dir / "redis-cluster.nodes")) {}

std::string TestRedisCluster::login() const {
  const auto at = url_.find('@');
  if (at == std::string::npos) return {};
  const std::string scheme = "redis+cluster://";
  return url_.substr(scheme.size(), at + 1 - scheme.size());
}

}  // namespace enroll::test
