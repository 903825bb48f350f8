#pragma once
// The HTTP/1.1 server of the API (Boost.Beast): keep-alive, limits on the request head and
// body, a read timeout for idle and slow clients. Each request goes to the Router on an Asio
// thread; handlers never block it (Redis reads go to a worker, which posts the answer back
// to the connection's strand).
//
// HTTPS (Asio SSL, OpenSSL) when ServerOptions::tls is set: TLS 1.2 or later, the handshake
// within the timeout; plain HTTP is refused on any address but a loopback one.
//
// Lifecycle: the constructor binds and listens (so the port is known, also with port 0)
// and throws Error(io_failed) with a one-line reason (address in use, bad host), or
// Error(bad_setting) (plain HTTP on a non-loopback address, a bad certificate or key); start()
// runs `threads` Asio threads of its own; stop() (or the destructor) closes the listener,
// stops the io_context and joins its threads. The Router must outlive the server.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "service/http/router.hpp"
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

// "host:port", "[v6]:port" or ":port" (all addresses); throws Error(bad_address) with a
// one-line reason.
ServerOptions parse_listen_address(const std::string& text);

class Server {
 public:
  Server(ServerOptions options, const Router& router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  [[nodiscard]] std::uint16_t port() const;  // the bound port
  void start();
  void stop();  // idempotent; from any thread but the server's own

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace enroll::http
