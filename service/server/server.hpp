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
#include "service/http/server_options.hpp"

namespace enroll::http {

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
