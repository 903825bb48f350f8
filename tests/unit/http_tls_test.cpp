// The HTTP server's transport: plain HTTP refused on a non-loopback address; HTTPS with the
// key folder's certificate (enroll-keygen --http-certificate's code): a TLS 1.2+ client that
// trusts the certificate gets answers, one that does not is refused in the handshake, an old
// protocol (TLS 1.1) and plain HTTP get nothing; a certificate without its key is refused.
#include "adapters/keys/http_tls.hpp"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "adapters/keys/keys.hpp"
#include "errors/errc.hpp"
#include "service/http/router.hpp"
#include "service/server/server.hpp"
#include "tests/unit/temp_key_folder.hpp"

namespace enroll::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;

class HttpTls : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.add(Method::get, "/healthz", [](Request&, const Respond& respond) {
      respond(json_response(200, nlohmann::json{{"ok", 1}}));
    });
  }

  ServerOptions tls_options() {
    auto files = load_http_tls(keys_);
    EXPECT_TRUE(files.has_value());
    ServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.timeout = std::chrono::seconds(5);
    o.tls = TlsSettings{std::move(files->certificate_chain_pem),
                        std::make_shared<const SecretString>(std::move(files->private_key_pem))};
    return o;
  }

  // GET /healthz over TLS; the status, or the error's text.
  std::string tls_get(std::uint16_t port, bool trust, bool old_protocol = false) {
    net::io_context ioc;
    net::ssl::context ctx(old_protocol ? net::ssl::context::tlsv11_client
                                       : net::ssl::context::tls_client);
    // An old protocol must be the server's refusal, not this client's (OpenSSL 3's default
    // security level has no TLS 1.1).
    if (old_protocol) SSL_CTX_set_security_level(ctx.native_handle(), 0);
    ctx.set_verify_mode(net::ssl::verify_peer);
    if (trust) ctx.load_verify_file(http_tls_certificate(keys_).string());
    beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
    stream.set_verify_callback(net::ssl::host_name_verification("127.0.0.1"));
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(5));
    beast::error_code ec;
    beast::get_lowest_layer(stream).connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port),
                                            ec);
    if (!ec) stream.handshake(net::ssl::stream_base::client, ec);
    if (ec) return "handshake: " + ec.message();
    bhttp::request<bhttp::empty_body> req{bhttp::verb::get, "/healthz", 11};
    req.set(bhttp::field::host, "127.0.0.1");
    bhttp::write(stream, req, ec);
    beast::flat_buffer buffer;
    bhttp::response<bhttp::string_body> res;
    if (!ec) bhttp::read(stream, buffer, res, ec);
    if (ec) return "exchange: " + ec.message();
    return std::to_string(res.result_int());
  }

  testing::TempKeyFolder folder_{"http-tls"};
  const std::filesystem::path& keys_ = folder_.path();
  Router router_;
};

TEST_F(HttpTls, PlainHttpOnlyOnLoopback) {
  ServerOptions o;
  o.host = "0.0.0.0";
  o.port = 0;
  try {
    Server server(o, router_);
    ADD_FAILURE() << "plain HTTP on every address";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::bad_setting);
    EXPECT_NE(std::string(e.what()).find("plain HTTP only on a loopback address"),
              std::string::npos)
        << e.what();
  }
  o.host = "127.0.0.1";
  EXPECT_NO_THROW(Server(o, router_));
}

TEST_F(HttpTls, ServesHttpsToAClientThatTrustsTheCertificate) {
  make_self_signed_http_tls(keys_, {"127.0.0.1", "localhost"});
  ServerOptions o = tls_options();
  o.host = "0.0.0.0";  // any address: allowed with TLS
  Server server(o, router_);
  server.start();
  EXPECT_EQ(tls_get(server.port(), true), "200");
  EXPECT_NE(tls_get(server.port(), false).find("handshake"), std::string::npos);
  EXPECT_NE(tls_get(server.port(), true, true).find("handshake"), std::string::npos);
  // Plain HTTP to the HTTPS port: no HTTP answer.
  net::io_context ioc;
  beast::tcp_stream plain(ioc);
  plain.expires_after(std::chrono::seconds(5));
  plain.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), server.port()));
  bhttp::request<bhttp::empty_body> req{bhttp::verb::get, "/healthz", 11};
  req.set(bhttp::field::host, "127.0.0.1");
  bhttp::write(plain, req);
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;
  beast::error_code ec;
  bhttp::read(plain, buffer, res, ec);
  EXPECT_TRUE(ec) << "plain HTTP answered " << res.result_int();
  server.stop();
}

TEST_F(HttpTls, TheKeyFolderNeedsBothFilesAndAMatchingKey) {
  EXPECT_FALSE(load_http_tls(keys_).has_value());  // neither: plain HTTP
  make_self_signed_http_tls(keys_, {"localhost"});
  // Refuses to overwrite.
  EXPECT_THROW(make_self_signed_http_tls(keys_, {"localhost"}), KeysError);
  // Another key than the certificate's.
  const auto other = keys_ / "other";
  std::filesystem::create_directories(other);
  std::filesystem::permissions(other, std::filesystem::perms::owner_all);
  make_self_signed_http_tls(other, {"localhost"});
  std::filesystem::remove(http_tls_key(keys_));
  std::filesystem::copy_file(http_tls_key(other), http_tls_key(keys_));
  ServerOptions o = tls_options();
  try {
    Server server(o, router_);
    ADD_FAILURE() << "a key that is not the certificate's";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("http TLS key: key values mismatch"), std::string::npos)
        << e.what();
  }
  // A certificate without its key.
  std::filesystem::remove(http_tls_key(keys_));
  try {
    load_http_tls(keys_);
    ADD_FAILURE() << "a certificate without its key";
  } catch (const KeysError& e) {
    EXPECT_NE(std::string(e.what()).find("HTTPS needs both"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace enroll::http
