#include "adapters/redis/connect.hpp"

#include <stdexcept>

#include "adapters/redis/cluster_router.hpp"
#include "errors/errc.hpp"

namespace enroll::redis {

bool is_cluster_url(std::string_view url) { return url.rfind(kClusterScheme, 0) == 0; }

std::vector<NodeAddress> parse_cluster_url(const std::string& url) {
  if (!is_cluster_url(url)) {
    throw Error(Errc::bad_url, "redis cluster url must start with redis+cluster://");
  }
  std::string rest = url.substr(kClusterScheme.size());
  if (const auto slash = rest.find('/'); slash != std::string::npos) {
    const std::string db = rest.substr(slash + 1);
    if (!db.empty() && db != "0") {
      throw Error(Errc::bad_url,
                  "redis cluster url: a cluster has only database 0, not '" + db + "'");
    }
    rest.resize(slash);
  }
  std::vector<NodeAddress> seeds;
  std::size_t start = 0;
  for (;;) {
    const auto comma = rest.find(',', start);
    const std::string seed = rest.substr(start, comma - start);
    if (seed.empty()) throw Error(Errc::bad_url, "redis cluster url: an empty seed node");
    // One seed is a host[:port], parsed as a one-server URL would be.
    const Endpoint e = parse_redis_url("redis://" + seed);
    seeds.push_back(NodeAddress{e.host, e.port});
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return seeds;
}

void check_redis_url(const std::string& url) {
  if (is_cluster_url(url)) {
    parse_cluster_url(url);
  } else {
    parse_redis_url(url);
  }
}

std::unique_ptr<Router> connect(const std::string& url) {
  if (is_cluster_url(url)) return std::make_unique<ClusterRouter>(parse_cluster_url(url));
  return std::make_unique<SingleNode>(parse_redis_url(url));
}

}  // namespace enroll::redis
