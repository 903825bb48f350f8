#include "adapters/redis/connect.hpp"

#include <algorithm>
#include <stdexcept>

#include "adapters/redis/cluster_router.hpp"
#include "errors/errc.hpp"

namespace enroll::redis {

bool is_cluster_url(std::string_view url) { return url.rfind(kClusterScheme, 0) == 0; }

std::vector<NodeAddress> parse_cluster_url(const std::string& url) {
  if (!is_cluster_url(url)) {
    throw Error(Errc::bad_url, "redis cluster url must start with redis+cluster://");
  }
  Credentials ignored;
  std::string rest = url.substr(kClusterScheme.size());
  if (const auto slash = rest.find('/'); slash != std::string::npos) {
    if (rest.find('@', slash) != std::string::npos) throw Error(Errc::bad_url, kSlashInPassword);
    const std::string db = rest.substr(slash + 1);
    if (!db.empty() && db != "0") {
      throw Error(Errc::bad_url,
                  "redis cluster url: a cluster has only database 0, not '" + db + "'");
    }
    rest.resize(slash);
  }
  rest = take_credentials(rest, ignored);  // url_credentials() reads them
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

Credentials url_credentials(const std::string& url) {
  if (!is_cluster_url(url)) return parse_redis_url(url).credentials;
  std::string authority = url.substr(kClusterScheme.size());
  if (const auto slash = authority.find('/'); slash != std::string::npos) {
    if (authority.find('@', slash) != std::string::npos) {
      throw Error(Errc::bad_url, kSlashInPassword);
    }
    authority.resize(slash);
  }
  Credentials credentials;
  take_credentials(authority, credentials);
  return credentials;
}

void check_redis_url(const std::string& url) {
  if (is_cluster_url(url)) {
    parse_cluster_url(url);
  } else {
    parse_redis_url(url);
  }
}

namespace {

// The URL's own password, else the one given; a user without any is refused here (Redis
// would answer only "WRONGPASS").
Credentials with_password(Credentials credentials, std::string_view password) {
  if (!credentials.user.empty() && credentials.password.empty()) {
    if (password.empty()) {
      throw Error(Errc::bad_url, "redis url names user '" + credentials.user +
                                     "' but no password (none in the URL, none given)");
    }
    credentials.password = password;
  }
  return credentials;
}

}  // namespace

std::unique_ptr<Router> connect(const std::string& url, std::string_view password) {
  Credentials credentials = with_password(url_credentials(url), password);
  if (is_cluster_url(url)) {
    ClusterOptions options;
    options.credentials = std::move(credentials);
    return std::make_unique<ClusterRouter>(parse_cluster_url(url), std::move(options));
  }
  Endpoint endpoint = parse_redis_url(url);
  endpoint.credentials = std::move(credentials);
  return std::make_unique<SingleNode>(std::move(endpoint));
}

}  // namespace enroll::redis
