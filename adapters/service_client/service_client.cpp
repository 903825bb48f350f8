#include "adapters/service_client/service_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/version.hpp>
#include <cctype>
#include <charconv>

#include "errors/errc.hpp"

namespace enroll::client {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

}  // namespace

ServiceUrl parse_service_url(const std::string& text) {
  static constexpr std::string_view plain = "http://";
  static constexpr std::string_view tls = "https://";
  ServiceUrl url;
  std::string rest;
  if (text.rfind(plain, 0) == 0) {
    rest = text.substr(plain.size());
  } else if (text.rfind(tls, 0) == 0) {
    rest = text.substr(tls.size());
    url.tls = true;
    url.port = "443";
  } else {
    throw Error(Errc::bad_url, "url '" + text + "': only http:// and https:// are supported");
  }
  const auto slash = rest.find('/');
  if (slash != std::string::npos) {
    url.prefix = rest.substr(slash);
    while (!url.prefix.empty() && url.prefix.back() == '/') url.prefix.pop_back();
    rest.resize(slash);
  }
  std::string host = rest;
  const auto colon = rest.rfind(':');
  if (colon != std::string::npos && rest.find(']', colon) == std::string::npos) {
    host = rest.substr(0, colon);
    url.port = rest.substr(colon + 1);
    unsigned port = 0;
    const auto [p, ec] = std::from_chars(url.port.data(), url.port.data() + url.port.size(), port);
    if (url.port.empty() || ec != std::errc() || p != url.port.data() + url.port.size() ||
        port == 0 || port > 65535) {
      throw Error(Errc::bad_url, "url '" + text + "': bad port '" + url.port + "'");
    }
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) throw Error(Errc::bad_url, "url '" + text + "': no host");
  url.host = host;
  return url;
}

ServiceClient::ServiceClient(ServiceUrl url, std::string token, std::string ca_file,
                             std::chrono::milliseconds timeout, std::size_t body_limit)
    : url_(std::move(url)),
      token_(std::move(token)),
      ca_file_(std::move(ca_file)),
      timeout_(timeout),
      body_limit_(body_limit) {}

ServiceResponse ServiceClient::get(const std::string& target) const {
  return request(false, target, {}, {});
}

ServiceResponse ServiceClient::post(const std::string& target, const nlohmann::json& body,
                                    const std::string& idempotency_key) const {
  return request(true, target, body.dump(), idempotency_key);
}

namespace {

// resolve, connect, (TLS handshake,) send, read: asynchronous on one thread, so that the
// stream's deadline covers each step (blocking calls of a tcp_stream have none). Fills
// `failure` and `step` on the first error.
template <class Stream>
void exchange(net::io_context& ioc, Stream& stream, const ServiceUrl& url,
              std::chrono::milliseconds timeout, bhttp::request<bhttp::string_body>& req,
              bhttp::response_parser<bhttp::string_body>& res, beast::error_code& failure,
              std::string& step) {
  tcp::resolver resolver(ioc);
  beast::flat_buffer buffer;
  auto& tcp_layer = beast::get_lowest_layer(stream);
  const auto fail = [&](beast::error_code ec, const char* what) {
    failure = ec;
    step = what;
  };
  const auto send = [&] {
    tcp_layer.expires_after(timeout);
    bhttp::async_write(stream, req, [&](beast::error_code ec3, std::size_t) {
      if (ec3) return fail(ec3, "send");
      tcp_layer.expires_after(timeout);
      bhttp::async_read(stream, buffer, res, [&](beast::error_code ec4, std::size_t) {
        if (ec4 == bhttp::error::body_limit) return fail(ec4, "read the answer (too large)");
        if (ec4) return fail(ec4, "read the answer");
      });
    });
  };
  resolver.async_resolve(url.host, url.port, [&](beast::error_code ec, const auto& results) {
    if (ec) return fail(ec, "resolve");
    tcp_layer.expires_after(timeout);
    tcp_layer.async_connect(results, [&](beast::error_code ec2, const auto&) {
      if (ec2) return fail(ec2, "connect");
      if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
        send();
      } else {
        tcp_layer.expires_after(timeout);
        stream.async_handshake(net::ssl::stream_base::client, [&](beast::error_code ec5) {
          if (ec5) return fail(ec5, "complete the TLS handshake (is the CA file right?)");
          send();
        });
      }
    });
  });
  ioc.run();
}

}  // namespace

ServiceResponse ServiceClient::request(bool post, const std::string& target,
                                       const std::string& body,
                                       const std::string& idempotency_key) const {
  const bool v6 = url_.host.find(':') != std::string::npos;
  const std::string where = (v6 ? "[" + url_.host + "]" : url_.host) + ":" + url_.port;
  bhttp::request<bhttp::string_body> req{post ? bhttp::verb::post : bhttp::verb::get,
                                         url_.prefix + target, 11};
  req.set(bhttp::field::host, where);
  req.set(bhttp::field::user_agent, "enroll-service-client");
  req.set(bhttp::field::accept, "application/json");
  if (!token_.empty()) req.set(bhttp::field::authorization, "Bearer " + token_);
  if (!idempotency_key.empty()) req.set("Idempotency-Key", idempotency_key);
  if (post) {
    req.set(bhttp::field::content_type, "application/json");
    req.body() = body;
  }
  req.keep_alive(false);
  req.prepare_payload();
  bhttp::response_parser<bhttp::string_body> res;
  res.body_limit(body_limit_);
  beast::error_code failure;
  std::string step = "resolve";
  net::io_context ioc;
  if (url_.tls) {
    // TLS 1.2+, the server's certificate checked against the CA file (or the system's CAs)
    // and the URL's host name.
    net::ssl::context ctx(net::ssl::context::tls_client);
    ctx.set_options(net::ssl::context::no_sslv2 | net::ssl::context::no_sslv3 |
                    net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1);
    ctx.set_verify_mode(net::ssl::verify_peer);
    beast::error_code ec;
    if (ca_file_.empty()) {
      ctx.set_default_verify_paths(ec);
    } else {
      ctx.load_verify_file(ca_file_, ec);
    }
    if (ec) {
      throw Error(Errc::bad_setting, "CA file '" + ca_file_ + "': " + ec.message());
    }
    beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
    stream.set_verify_callback(net::ssl::host_name_verification(url_.host));
    if (!v6) SSL_set_tlsext_host_name(stream.native_handle(), url_.host.c_str());
    exchange(ioc, stream, url_, timeout_, req, res, failure, step);
    if (!failure) {
      beast::error_code ignored;
      beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
    }
  } else {
    beast::tcp_stream stream(ioc);
    exchange(ioc, stream, url_, timeout_, req, res, failure, step);
    if (!failure) {
      beast::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    }
  }
  if (failure) {
    throw ServiceUnreachable("enrollmentd at " + std::string(url_.tls ? "https" : "http") + "://" +
                             where + ": cannot " + step + ": " + failure.message());
  }
  auto answer = res.release();
  return ServiceResponse{static_cast<int>(answer.result_int()), std::move(answer.body())};
}

std::string url_encode(const std::string& text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0xF];
    }
  }
  return out;
}

}  // namespace enroll::client
