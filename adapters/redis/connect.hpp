#pragma once
// The Redis a program talks to, named by one URL (the `redis` setting):
//   redis://[USER[:PASSWORD]@]HOST:PORT/DB      one server (the default; DB defaults to 0)
//   redis+cluster://[USER[:PASSWORD]@]HOST:PORT,HOST:PORT,...
//                                               a Redis Cluster, found from these seed nodes
//                                               (any reachable master or replica will do;
//                                               PORT defaults to 6379; only /0 may follow)
// USER is a Redis 6 ACL user: every connection (each cluster node's too) starts with AUTH
// USER PASSWORD. The password is best not in the URL (a config file, a process list): a URL
// that names the user alone takes the password given to connect() (enrollmentd reads it from
// the key folder's redis.password). hiredis 0.14 (Debian bookworm) has no TLS: see
// ops/deploy/README.md for the tunnel a deployment puts in front of Redis.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/redis/router.hpp"
#include "adapters/redis/slot_map.hpp"

namespace enroll::redis {

inline constexpr std::string_view kClusterScheme = "redis+cluster://";

[[nodiscard]] bool is_cluster_url(std::string_view url);
// The seed nodes of a redis+cluster:// URL; throws Error(bad_url) with a one-line reason.
std::vector<NodeAddress> parse_cluster_url(const std::string& url);
// The user and password a URL of either kind names (both empty: none).
Credentials url_credentials(const std::string& url);
// Checks a URL of either kind without connecting; throws Error(bad_url).
void check_redis_url(const std::string& url);
// Connects: a SingleNode for redis://, a ClusterRouter for redis+cluster://. `password`: for a
// URL that names a user without a password (ignored otherwise). Throws Error(bad_url) for a
// bad URL or a user without any password, RedisError if Redis cannot be reached or refuses
// the login (naming the user, never the password).
std::unique_ptr<Router> connect(const std::string& url, std::string_view password = {});

}  // namespace enroll::redis
