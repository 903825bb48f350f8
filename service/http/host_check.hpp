#pragma once
// The Host header check: a browser on a page of another site, whose name was made to resolve
// to this server's address (DNS rebinding), sends that site's name as Host. The server
// answers only requests naming one of its own hosts, so such a page reads nothing.
//
// Thread-safety: immutable after construction.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace enroll::http {

// A Host header's host part, lowercased, without the port and (for an IPv6 literal) without
// the brackets; nullopt if it is not one: empty, over 255 bytes, a bad port, characters a
// name or address does not have.
std::optional<std::string> host_of(std::string_view header);

class AllowedHosts {
 public:
  // `names`: hosts as host_of() gives them (a name or an address). Empty: any host (the
  // router's unit tests, the fuzz target); a server always gives a list (default_hosts()).
  explicit AllowedHosts(std::vector<std::string> names = {});
  // Whether a request with this Host header may be served (the router lets a request without
  // one through: HTTP/1.0; browsers always send one).
  [[nodiscard]] bool allows(std::string_view header) const;
  [[nodiscard]] const std::vector<std::string>& names() const { return names_; }

 private:
  std::vector<std::string> names_;
};

// The hosts a server bound to `bound` answers by default: that address (unless it is the
// any-address) and the loopback names, localhost, 127.0.0.1 and ::1.
std::vector<std::string> default_hosts(const std::string& bound);
// A setting's comma-separated host list, each checked by host_of(); throws Error(bad_setting)
// with a one-line reason.
std::vector<std::string> parse_host_list(std::string_view text);

}  // namespace enroll::http
