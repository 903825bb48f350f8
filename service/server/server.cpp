#include "service/server/server.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <charconv>
#include <optional>
#include <thread>
#include <vector>

#include "errors/errc.hpp"
#include "service/http/beast_request.hpp"

namespace enroll::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// One connection: read a request, dispatch it, write the answer, read the next (keep-alive).
// Every operation runs on the connection's strand; the worker's answer is posted to it.
// Stream: beast::tcp_stream (plain HTTP) or TlsStream (HTTPS: the TLS handshake first).
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
  using std::enable_shared_from_this<Session<Stream>>::shared_from_this;

 public:
  Session(tcp::socket socket, const Router& router, const ServerOptions& options,
          std::atomic<std::size_t>& open) requires std::is_same_v<Stream, beast::tcp_stream>
      : stream_(std::move(socket)), router_(router), options_(options), open_(open) {
    ++open_;
  }
  Session(tcp::socket socket, net::ssl::context& tls, const Router& router,
          const ServerOptions& options,
          std::atomic<std::size_t>& open) requires std::is_same_v<Stream, TlsStream>
      : stream_(std::move(socket), tls), router_(router), options_(options), open_(open) {
    ++open_;
  }
  ~Session() { --open_; }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void start() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::handshake, shared_from_this()));
  }

 private:
  // TLS: the handshake (within the timeout) before the first request; a client that fails it
  // (plain HTTP, an old protocol) is closed without an answer.
  void handshake() {
    if constexpr (std::is_same_v<Stream, TlsStream>) {
      beast::get_lowest_layer(stream_).expires_after(options_.timeout);
      stream_.async_handshake(net::ssl::stream_base::server,
                              [self = shared_from_this()](beast::error_code ec) {
                                if (ec) {
                                  spdlog::debug("http: TLS handshake: {}", ec.message());
                                  self->close();
                                  return;
                                }
                                self->read();
                              });
    } else {
      read();
    }
  }

  void read() {
    reset_parser(parser_, options_);
    beast::get_lowest_layer(stream_).expires_after(options_.timeout);
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec) {
      if (auto refusal = refusal_for(ec)) {
        refuse(std::move(*refusal));
      } else {
        close();
      }
      return;
    }
    auto& msg = parser_->get();
    keep_alive_ = msg.keep_alive();
    version_ = msg.version();
    head_ = msg.method() == bhttp::verb::head;
    const std::string target(msg.target());
    Request request;
    try {
      request = to_request(msg);
    } catch (const RequestError& e) {
      write(error_response(e.code(), e.what()));
      return;
    }
    auto self = shared_from_this();
    const auto respond = [self](Response r) {
      auto executor = self->stream_.get_executor();
      net::post(executor, [self, r = std::move(r)]() mutable { self->write(std::move(r)); });
    };
    try {
      router_.dispatch(std::move(request), respond);
    } catch (const std::exception& e) {
      spdlog::error("http: {} failed: {}", target, e.what());
      write(error_response(Errc::internal, "the request failed"));
    }
  }

  // An unreadable request: answer it and close the connection.
  void refuse(Response r) {
    keep_alive_ = false;
    version_ = 11;
    head_ = false;
    write(std::move(r));
  }

  void write(Response r) {
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>(
        static_cast<bhttp::status>(r.status), version_);
    res->set(bhttp::field::server, "enrollmentd");
    res->set(bhttp::field::content_type, r.content_type);
    res->set(bhttp::field::cache_control, "no-store");
    for (const auto& [name, value] : r.headers) res->set(name, value);
    res->keep_alive(keep_alive_);
    if (head_) {
      res->content_length(r.body.size());  // what a GET would send, without the body
    } else {
      res->body() = std::move(r.body);
      res->prepare_payload();
    }
    // The read's timer may have run while the worker did.
    beast::get_lowest_layer(stream_).expires_after(options_.timeout);
    bhttp::async_write(stream_, *res,
                       [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
                         self->on_write(ec);
                       });
  }

  void on_write(beast::error_code ec) {
    if (ec || !keep_alive_) {
      close();
      return;
    }
    read();
  }

  void close() {
    beast::error_code ignored;
    // No TLS close_notify: every answer has its length, so a cut is seen anyway.
    auto& socket = beast::get_lowest_layer(stream_).socket();
    socket.shutdown(tcp::socket::shutdown_send, ignored);
    socket.close(ignored);
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<BeastRequestParser> parser_;
  const Router& router_;
  const ServerOptions& options_;
  std::atomic<std::size_t>& open_;  // the server's count of open connections
  bool keep_alive_ = false;
  bool head_ = false;
  unsigned version_ = 11;
};

tcp::endpoint resolve(const ServerOptions& o) {
  beast::error_code ec;
  const auto address = net::ip::make_address(o.host.empty() ? "0.0.0.0" : o.host, ec);
  if (!ec) return {address, o.port};
  net::io_context ioc;
  tcp::resolver resolver(ioc);
  const auto results = resolver.resolve(o.host, std::to_string(o.port), ec);
  if (ec || results.empty()) {
    throw Error(Errc::io_failed, "http: cannot resolve host '" + o.host + "': " + ec.message());
  }
  return results.begin()->endpoint();
}

}  // namespace

ServerOptions parse_listen_address(const std::string& text) {
  ServerOptions o;
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) {
    throw Error(Errc::bad_address, "http address '" + text + "': expected host:port");
  }
  std::string host = text.substr(0, colon);
  const std::string port = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned value = 0;
  auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || p != port.data() + port.size() || value > 65535) {
    throw Error(Errc::bad_address, "http address '" + text + "': bad port '" + port + "'");
  }
  o.host = host;
  o.port = static_cast<std::uint16_t>(value);
  return o;
}

// TLS 1.2 and later, the key folder's certificate chain and key (PEM, in memory).
std::unique_ptr<net::ssl::context> tls_context(const TlsSettings& tls) {
  auto ctx = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
  ctx->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                   net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                   net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use);
  beast::error_code ec;
  ctx->use_certificate_chain(net::buffer(tls.certificate_chain_pem), ec);
  if (ec) throw Error(Errc::bad_setting, "http TLS certificate: " + ec.message());
  if (!tls.private_key_pem) throw Error(Errc::bad_setting, "http TLS: no key");
  const std::string_view key = tls.private_key_pem->view();
  ctx->use_private_key(net::buffer(key.data(), key.size()), net::ssl::context::pem, ec);
  if (ec) throw Error(Errc::bad_setting, "http TLS key: " + ec.message());
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    throw Error(Errc::bad_setting, "http TLS key: it does not match the certificate");
  }
  return ctx;
}

struct Server::Impl {
  Impl(ServerOptions o, const Router& r) : options(std::move(o)), router(r), acceptor(ioc) {
    if (options.tls) tls = tls_context(*options.tls);
  }

  void accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket s) {
      if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
      if (ec) {
        spdlog::warn("http: accept: {}", ec.message());
      } else if (open.load() >= options.max_connections) {
        beast::error_code ignored;
        s.close(ignored);  // full: the client sees the connection closed and may retry
      } else {
        if (tls) {
          std::make_shared<Session<TlsStream>>(std::move(s), *tls, router, options, open)->start();
        } else {
          std::make_shared<Session<beast::tcp_stream>>(std::move(s), router, options, open)
              ->start();
        }
      }
      accept();
    });
  }

  ServerOptions options;
  std::unique_ptr<net::ssl::context> tls;  // HTTPS if set
  const Router& router;
  std::atomic<std::size_t> open{0};  // connections; sessions (which ioc may own) count themselves
  net::io_context ioc;
  tcp::acceptor acceptor;
  std::uint16_t port = 0;
  std::vector<std::thread> threads;
  bool stopped = false;
};

Server::Server(ServerOptions options, const Router& router)
    : impl_(std::make_unique<Impl>(std::move(options), router)) {
  const auto where = impl_->options.host + ":" + std::to_string(impl_->options.port);
  const auto endpoint = resolve(impl_->options);
  // Plain HTTP carries bearer tokens and personal data in clear: only where no network sees
  // it.
  if (!impl_->options.tls && !endpoint.address().is_loopback()) {
    throw Error(Errc::bad_setting,
                "http " + where +
                    ": plain HTTP only on a loopback address; for another one put http/tls.crt "
                    "and http/tls.key in the key folder (HTTPS)");
  }
  beast::error_code ec;
  auto& a = impl_->acceptor;
  a.open(endpoint.protocol(), ec);
  if (!ec) a.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(net::socket_base::max_listen_connections, ec);
  if (ec) throw Error(Errc::io_failed, "http " + where + ": " + ec.message());
  impl_->port = a.local_endpoint().port();
}

Server::~Server() { stop(); }

std::uint16_t Server::port() const { return impl_->port; }

void Server::start() {
  impl_->accept();
  for (std::size_t i = 0; i < std::max<std::size_t>(impl_->options.threads, 1); ++i) {
    impl_->threads.emplace_back([this] { impl_->ioc.run(); });
  }
}

void Server::stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  impl_->ioc.stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
  beast::error_code ignored;
  impl_->acceptor.close(ignored);  // no thread runs the io_context any more
}

}  // namespace enroll::http
