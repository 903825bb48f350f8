#pragma once
// Where a Redis command goes. The Store names, with every command, the key that decides
// its node (RoutingKey): a single Redis ignores it; a Redis Cluster sends the command to the
// master serving that key's slot. The Store passes it explicitly, so nothing parses argv.
//
// Implementations: SingleNode (one connection, the default) and ClusterRouter.
// Owner: one thread (connections are not thread-safe); never an Asio thread.
#include <string>
#include <vector>

#include "adapters/redis/client.hpp"

namespace enroll::redis {

// A key of the command whose slot decides the node (any key of a one-slot command).
struct RoutingKey {
  std::string value;
};

struct RoutedCommand {
  RoutingKey key;
  std::vector<std::string> argv;
};

class Router {
 public:
  virtual ~Router() = default;
  Router() = default;
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // One command; an error reply throws RedisError(retryable=false); a lost connection
  // throws RedisError(retryable=true).
  virtual Reply command(const RoutingKey& key, const std::vector<std::string>& argv) = 0;
  // Several commands in as few round trips as possible; the replies come back in the order
  // of `commands`, error replies included (not thrown). Commands for one slot run in their
  // order; commands for different nodes may not. Throws RedisError(retryable=true) if a
  // connection fails (the caller runs the whole pipeline again).
  virtual std::vector<Reply> pipeline(const std::vector<RoutedCommand>& commands) = 0;
  // Runs a key-less command (SCRIPT LOAD, PING) on every master; one reply per master.
  virtual std::vector<Reply> on_every_node(const std::vector<std::string>& argv) = 0;
};

// The default: one Redis server, every command on one connection, exactly as before
// clusters were supported.
class SingleNode final : public Router {
 public:
  explicit SingleNode(Endpoint endpoint) : client_(std::move(endpoint)) {}
  Reply command(const RoutingKey& key, const std::vector<std::string>& argv) override;
  std::vector<Reply> pipeline(const std::vector<RoutedCommand>& commands) override;
  std::vector<Reply> on_every_node(const std::vector<std::string>& argv) override;

 private:
  Client client_;
};

}  // namespace enroll::redis
