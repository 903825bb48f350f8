#pragma once
// A page in headless Chromium driven over the DevTools protocol (a WebSocket to
// --remote-debugging-port), for the browser tests that must click, type and wait: the
// dashboard's sign-in and operator retry. Blocking, one page, one thread. Throws std::runtime_error
// when Chromium does not start, the protocol fails, or the page's script throws.
#include <chrono>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace enroll::test {

class ChildProcess;

class DevToolsPage {
 public:
  // Starts Chromium (its profile and log in `scratch`) on `url`, in a window of `window`
  // ("width,height").
  DevToolsPage(const std::string& url, const std::filesystem::path& scratch,
               const std::string& window = "1280,1000");
  ~DevToolsPage();
  DevToolsPage(const DevToolsPage&) = delete;
  DevToolsPage& operator=(const DevToolsPage&) = delete;

  // The value of `expression` in the page (Runtime.evaluate, promises awaited, by value).
  nlohmann::json evaluate(const std::string& expression);
  // Evaluates `expression` until it is true; false if `timeout` passes first.
  bool wait_for(const std::string& expression, std::chrono::milliseconds timeout);
  // The window as a PNG file (Page.captureScreenshot).
  void screenshot(const std::filesystem::path& png);
  // The page's DOM, serialised (as chromium --dump-dom writes it).
  std::string dom();

 private:
  // A DevTools command's result.
  nlohmann::json call(const std::string& method, const nlohmann::json& params);
  struct Connection;
  std::filesystem::path profile_;
  std::unique_ptr<ChildProcess> chromium_;
  std::unique_ptr<Connection> connection_;
  int next_id_ = 0;
};

}  // namespace enroll::test
