#pragma once
// The Redis a program talks to, named by one URL (the `redis` setting):
//   redis://HOST:PORT/DB                        one server (the default; DB defaults to 0)
//   redis+cluster://HOST:PORT,HOST:PORT,...     a Redis Cluster, found from these seed nodes
//                                               (any reachable master or replica will do;
//                                               PORT defaults to 6379; only /0 may follow)
#include <memory>
#include <string>
#include <vector>

#include "adapters/redis/router.hpp"
#include "adapters/redis/slot_map.hpp"

namespace enroll::redis {

inline constexpr std::string_view kClusterScheme = "redis+cluster://";

[[nodiscard]] bool is_cluster_url(std::string_view url);
// The seed nodes of a redis+cluster:// URL; throws Error(bad_url) with a one-line reason.
std::vector<NodeAddress> parse_cluster_url(const std::string& url);
// Checks a URL of either kind without connecting; throws Error(bad_url).
void check_redis_url(const std::string& url);
// Connects: a SingleNode for redis://, a ClusterRouter for redis+cluster://. Throws
// Error(bad_url) for a bad URL, RedisError if Redis cannot be reached.
std::unique_ptr<Router> connect(const std::string& url);

}  // namespace enroll::redis
