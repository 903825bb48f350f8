// The Host header check against DNS rebinding: the header's host part (names, IPv4, [IPv6],
// ports, case, a trailing dot), bounded and refused when malformed; the default list of a
// bound address; the setting's list; the router's 400 before any route.
#include <gtest/gtest.h>

#include <string>

#include "errors/errc.hpp"
#include "service/http/host_check.hpp"
#include "service/http/router.hpp"

namespace enroll::http {
namespace {

TEST(HostOf, TakesTheHostWithoutPortLowercased) {
  EXPECT_EQ(host_of("localhost"), "localhost");
  EXPECT_EQ(host_of("API.Example.org:8443"), "api.example.org");
  EXPECT_EQ(host_of("api.example.org."), "api.example.org");
  EXPECT_EQ(host_of("127.0.0.1:8080"), "127.0.0.1");
  EXPECT_EQ(host_of("[::1]:8080"), "::1");
  EXPECT_EQ(host_of("[FE80::1]"), "fe80::1");
}

TEST(HostOf, RefusesWhatIsNoHost) {
  for (const std::string& bad : std::vector<std::string>{
           "", ":80", "a b", "a:", "a:x", "a:123456", "[::1", "[::1]x", "[]:80", "[g::1]", "a/b",
           "a@b", std::string(300, 'a'), "a\r\nX: y", "."}) {
    EXPECT_FALSE(host_of(bad)) << bad;
  }
}

TEST(AllowedHosts, OnlyTheListedHostsWhateverThePort) {
  const AllowedHosts hosts({"localhost", "api.example.org"});
  EXPECT_TRUE(hosts.allows("localhost:8080"));
  EXPECT_TRUE(hosts.allows("API.example.org"));
  EXPECT_FALSE(hosts.allows("evil.example"));
  EXPECT_FALSE(hosts.allows("api.example.org.evil.example"));
  EXPECT_FALSE(hosts.allows(""));  // no Host header
  EXPECT_TRUE(AllowedHosts().allows("anything"));
}

TEST(AllowedHosts, DefaultIsTheBoundAddressAndLoopback) {
  EXPECT_EQ(default_hosts("127.0.0.1"),
            (std::vector<std::string>{"localhost", "127.0.0.1", "::1"}));
  EXPECT_EQ(default_hosts("10.0.0.5"),
            (std::vector<std::string>{"localhost", "127.0.0.1", "::1", "10.0.0.5"}));
  EXPECT_EQ(default_hosts("::1"), (std::vector<std::string>{"localhost", "127.0.0.1", "::1"}));
  // The any-address is no name a client uses.
  EXPECT_EQ(default_hosts("0.0.0.0").size(), 3u);
  EXPECT_EQ(default_hosts("::").size(), 3u);
}

TEST(AllowedHosts, SettingListIsCheckedWithOneLine) {
  EXPECT_EQ(parse_host_list("api.example.org,10.0.0.5,[::1]"),
            (std::vector<std::string>{"api.example.org", "10.0.0.5", "::1"}));
  for (const char* bad : {"a,,b", "a:80", "[::1]:80", "a b", ","}) {
    try {
      parse_host_list(bad);
      ADD_FAILURE() << bad << " accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), Errc::bad_setting);
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
    }
  }
}

TEST(RouterHostCheck, AnotherHostGets400BeforeAnyRoute) {
  Router router;
  router.allow_hosts(AllowedHosts({"localhost"}));
  int served = 0;
  router.add(Method::get, "/healthz", [&](Request&, const Respond& respond) {
    ++served;
    respond(Response{});
  });
  const auto status_for = [&](const std::string& host) {
    Request request;
    request.path = "/healthz";
    request.host = host;
    int status = 0;
    router.dispatch(request, [&](const Response& r) { status = r.status; });
    return status;
  };
  EXPECT_EQ(status_for("localhost:8080"), 200);
  EXPECT_EQ(status_for("rebound.evil.example:8080"), 400);
  EXPECT_EQ(status_for("rebound.evil.example"), 400);
  EXPECT_EQ(status_for(""), 200);  // no Host (HTTP/1.0): a browser always sends one
  EXPECT_EQ(served, 2);
}

}  // namespace
}  // namespace enroll::http
