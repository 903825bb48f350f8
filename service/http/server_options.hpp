#pragma once
// What the HTTP server (service/server/server.hpp) is told: where to listen, its limits on a
// request, TLS. Here, not beside the server, because the request parser (beast_request.hpp)
// reads with these limits too, and so the HTTP fuzz target with it, without the server.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "workflows/secret.hpp"

namespace enroll::http {

// The server's certificate chain (leaf first) and its private key, PEM (shared, not copied:
// the options are).
struct TlsSettings {
  std::string certificate_chain_pem;
  std::shared_ptr<const SecretString> private_key_pem;
};

struct ServerOptions {
  std::string host = "127.0.0.1";  // an address, or a name resolved at start-up
  std::uint16_t port = 8080;       // 0: any free port (see Server::port())
  std::size_t threads = 1;
  std::size_t header_limit = std::size_t{8} * 1024;  // bytes; more: 431
  std::size_t body_limit = std::size_t{64} * 1024;   // bytes; more: 413
  // A request (or the next one on a kept-alive connection) must arrive within this, and an
  // answer must be written within it.
  std::chrono::seconds timeout{30};
  std::size_t max_connections = 512;  // more are closed at once
  std::optional<TlsSettings> tls;     // HTTPS; without it only a loopback address is allowed
};

}  // namespace enroll::http
