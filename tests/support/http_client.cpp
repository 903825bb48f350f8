#include "tests/support/http_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace enroll::test {

std::string HttpResponse::error_code() const {
  const auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("error")) return "";
  return j["error"].value("code", "");
}

HttpConnection::HttpConnection(std::uint16_t port, std::chrono::milliseconds timeout)
    : timeout_(timeout) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd_);
    throw std::runtime_error("connect 127.0.0.1:" + std::to_string(port) + ": " + why);
  }
}

HttpConnection::~HttpConnection() {
  if (fd_ >= 0) ::close(fd_);
}

void HttpConnection::send_raw(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::runtime_error(std::string("send: ") + std::strerror(errno));
    sent += static_cast<std::size_t>(n);
  }
}

std::string HttpConnection::read_some() {
  pollfd p{fd_, POLLIN, 0};
  const int ready = ::poll(&p, 1, static_cast<int>(timeout_.count()));
  if (ready == 0) throw std::runtime_error("http: no answer within the timeout");
  if (ready < 0) throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
  char buf[16384];
  const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
  if (n < 0) throw std::runtime_error(std::string("recv: ") + std::strerror(errno));
  return std::string(buf, static_cast<std::size_t>(n));  // empty: the server closed
}

HttpResponse HttpConnection::read_response(bool to_head) {
  std::size_t end;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    const auto more = read_some();
    if (more.empty()) throw std::runtime_error("http: connection closed before a response");
    buffer_ += more;
  }
  HttpResponse r;
  const std::string head = buffer_.substr(0, end);
  buffer_.erase(0, end + 4);
  const auto first = head.find("\r\n");
  const std::string status_line = head.substr(0, first);
  if (status_line.rfind("HTTP/1.", 0) != 0 || status_line.size() < 12) {
    throw std::runtime_error("http: bad status line: " + status_line);
  }
  r.status = std::stoi(status_line.substr(9, 3));
  std::size_t pos = first == std::string::npos ? head.size() : first + 2;
  while (pos < head.size()) {
    auto eol = head.find("\r\n", pos);
    if (eol == std::string::npos) eol = head.size();
    const std::string line = head.substr(pos, eol - pos);
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(), ::tolower);
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      r.headers[name] = value;
    }
    pos = eol + 2;
  }
  const auto length = to_head || r.headers.count("content-length") == 0
                          ? 0
                          : std::stoul(r.headers["content-length"]);
  while (buffer_.size() < length) {
    const auto more = read_some();
    if (more.empty()) throw std::runtime_error("http: connection closed inside a body");
    buffer_ += more;
  }
  r.body = buffer_.substr(0, length);
  buffer_.erase(0, length);
  return r;
}

HttpResponse HttpConnection::request(const std::string& method, const std::string& target,
                                     const std::map<std::string, std::string>& headers,
                                     const std::string& body) {
  std::string req = method + " " + target + " HTTP/1.1\r\n";
  if (headers.count("Host") == 0) req += "Host: 127.0.0.1\r\n";  // a test may name another
  for (const auto& [name, value] : headers) req += name + ": " + value + "\r\n";
  if (!body.empty() || method == "POST")
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n" + body;
  send_raw(req);
  return read_response(method == "HEAD");
}

bool HttpConnection::closed_by_server(std::chrono::milliseconds wait) {
  const auto saved = timeout_;
  timeout_ = wait;
  try {
    const bool closed = read_some().empty();
    timeout_ = saved;
    return closed;
  } catch (const std::runtime_error&) {
    timeout_ = saved;
    return false;
  }
}

HttpResponse http_get(std::uint16_t port, const std::string& target, const std::string& bearer) {
  HttpConnection c(port);
  if (bearer.empty()) return c.request("GET", target);
  return c.request("GET", target, {{"Authorization", "Bearer " + bearer}});
}

}  // namespace enroll::test
