#include "tests/support/devtools_page.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"
#include "workflows/crypto/base64.hpp"

namespace enroll::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using asio::ip::tcp;
using nlohmann::json;

struct DevToolsPage::Connection {
  asio::io_context io;
  websocket::stream<tcp::socket> ws{io};
};

namespace {

std::string file_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

DevToolsPage::DevToolsPage(const std::string& url, const std::filesystem::path& scratch,
                           const std::string& window)
    : profile_(scratch / "devtools-profile") {
  std::filesystem::create_directories(profile_);
  ChildProcess::Options options{
      {"chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
       "--user-data-dir=" + profile_.string(), "--remote-debugging-port=0",
       "--remote-allow-origins=*", "--window-size=" + window, url},
      scratch / "devtools.out"};
  options.error_file = scratch / "devtools.log";
  options.own_process_group = true;  // its helper processes end with it
  chromium_ = std::make_unique<ChildProcess>(options);
  // "DevTools listening on ws://127.0.0.1:PORT/devtools/browser/<id>" on stderr.
  const std::regex listening(R"(DevTools listening on ws://127\.0\.0\.1:([0-9]+)/)");
  std::uint16_t port = 0;
  for (int i = 0; i < 300 && port == 0; ++i) {
    std::smatch m;
    const auto log = file_text(options.error_file);
    if (std::regex_search(log, m, listening)) {
      port = static_cast<std::uint16_t>(std::stoi(m[1]));
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  if (port == 0) {
    throw std::runtime_error("chromium gave no DevTools port: " + file_text(options.error_file));
  }
  // The page's own WebSocket (the first target of type page).
  std::string path;
  for (int i = 0; i < 100 && path.empty(); ++i) {
    const auto list = http_get(port, "/json/list").json();
    for (const auto& t : list) {
      if (t.value("type", "") == "page") {
        const std::string ws = t.value("webSocketDebuggerUrl", "");
        const auto slash = ws.find("/devtools/");
        if (slash != std::string::npos) path = ws.substr(slash);
      }
    }
    if (path.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (path.empty()) throw std::runtime_error("chromium lists no page target");
  connection_ = std::make_unique<Connection>();
  tcp::resolver resolver(connection_->io);
  asio::connect(beast::get_lowest_layer(connection_->ws),
                resolver.resolve("127.0.0.1", std::to_string(port)));
  connection_->ws.handshake("127.0.0.1:" + std::to_string(port), path);
}

DevToolsPage::~DevToolsPage() {
  if (connection_) {
    beast::error_code ec;
    connection_->ws.close(websocket::close_code::normal, ec);
  }
  if (chromium_) chromium_->stop();
  std::error_code ec;
  std::filesystem::remove_all(profile_, ec);
}

json DevToolsPage::call(const std::string& method, const json& params) {
  const int id = ++next_id_;
  const json call{{"id", id}, {"method", method}, {"params", params}};
  connection_->ws.write(asio::buffer(call.dump()));
  for (;;) {  // events may come before the answer
    beast::flat_buffer buffer;
    connection_->ws.read(buffer);
    auto message = json::parse(beast::buffers_to_string(buffer.data()));
    if (message.value("id", 0) != id) continue;
    if (message.contains("error")) throw std::runtime_error("DevTools: " + message.dump());
    return std::move(message.at("result"));
  }
}

json DevToolsPage::evaluate(const std::string& expression) {
  const auto result =
      call("Runtime.evaluate",
           {{"expression", expression}, {"awaitPromise", true}, {"returnByValue", true}});
  if (result.contains("exceptionDetails")) {
    throw std::runtime_error("the page's script threw: " + result.at("exceptionDetails").dump());
  }
  return result.at("result").value("value", json());
}

void DevToolsPage::screenshot(const std::filesystem::path& png) {
  const auto result = call("Page.captureScreenshot", {{"format", "png"}});
  const auto bytes = crypto::from_base64(result.at("data").get<std::string>());
  if (!bytes) throw std::runtime_error("DevTools: a screenshot that is not base64");
  std::ofstream out(png, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes->data()),
            static_cast<std::streamsize>(bytes->size()));
}

std::string DevToolsPage::dom() {
  return evaluate("document.documentElement.outerHTML").get<std::string>();
}

bool DevToolsPage::wait_for(const std::string& expression, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (evaluate(expression) == json(true)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return false;
}

}  // namespace enroll::test
