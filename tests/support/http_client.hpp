#pragma once
// A tiny blocking HTTP/1.1 client for tests of enrollmentd's API (no curl): one TCP
// connection to 127.0.0.1, requests written by hand, responses read by Content-Length.
// Throws std::runtime_error on a connection failure or a timeout. Not thread-safe.
#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace enroll::test {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;
  [[nodiscard]] nlohmann::json json() const { return nlohmann::json::parse(body); }
  // The contract's error code ({"error": {"code": ...}}), or "" if the body is not one.
  [[nodiscard]] std::string error_code() const;
};

class HttpConnection {
 public:
  explicit HttpConnection(std::uint16_t port,
                          std::chrono::milliseconds timeout = std::chrono::seconds(20));
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Sends a request (keep-alive) and reads its response; Host is 127.0.0.1 unless `headers`
  // name one.
  HttpResponse request(const std::string& method, const std::string& target,
                       const std::map<std::string, std::string>& headers = {},
                       const std::string& body = "");
  // Sends raw bytes, e.g. a malformed request.
  void send_raw(const std::string& bytes);
  // Reads one response (`to_head`: to a HEAD request, so no body follows its Content-Length).
  HttpResponse read_response(bool to_head = false);
  // True once the server has closed the connection (reads EOF within `wait`).
  bool closed_by_server(std::chrono::milliseconds wait = std::chrono::seconds(5));

 private:
  std::string read_some();
  int fd_ = -1;
  std::chrono::milliseconds timeout_;
  std::string buffer_;
};

// One GET on a fresh connection; with `bearer`, "Authorization: Bearer <bearer>" (the /v1
// reads need a reader's or an operator's token).
HttpResponse http_get(std::uint16_t port, const std::string& target,
                      const std::string& bearer = "");

}  // namespace enroll::test
