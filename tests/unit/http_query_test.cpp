// Reading requests: the query string, durations (stuck_for), listen addresses and the
// opaque paging cursors.
#include <gtest/gtest.h>

#include "errors/errc.hpp"
#include "service/http/cursor.hpp"
#include "service/http/duration.hpp"
#include "service/http/query.hpp"
#include "service/server/server.hpp"

namespace enroll::http {
namespace {
using namespace std::chrono_literals;

TEST(QueryTest, DecodesNamesAndValues) {
  const auto q = parse_query("phase=consent-confirm&channel=self%2Dservice&empty=&flag&&x=a+b");
  EXPECT_EQ(q.at("phase"), "consent-confirm");
  EXPECT_EQ(q.at("channel"), "self-service");
  EXPECT_EQ(q.at("empty"), "");
  EXPECT_EQ(q.at("flag"), "");
  EXPECT_EQ(q.at("x"), "a+b");
  EXPECT_EQ(query_value(q, "empty"), std::nullopt);  // "?phase=" means no filter
  EXPECT_EQ(query_value(q, "phase"), "consent-confirm");
}

TEST(QueryTest, RefusesRepeatsBadEscapesAndUnknownNames) {
  EXPECT_THROW(parse_query("a=1&a=2"), RequestError);
  EXPECT_THROW(parse_query("a=%4"), RequestError);
  EXPECT_THROW(parse_query("a%g1=1"), RequestError);
  try {
    reject_unknown(parse_query("limit=1&stuck-for=1h"), {"limit", "stuck_for"});
    FAIL() << "no error";
  } catch (const RequestError& e) {
    EXPECT_EQ(http_status(e.code()), 400);
    EXPECT_EQ(e.code(), Errc::bad_request);
    EXPECT_NE(std::string(e.what()).find("stuck-for"), std::string::npos);
  }
}

TEST(DurationTest, ReadsUnitsAndCombinations) {
  EXPECT_EQ(parse_duration("90"), 90s);
  EXPECT_EQ(parse_duration("90s"), 90s);
  EXPECT_EQ(parse_duration("15m"), 15min);
  EXPECT_EQ(parse_duration("2h"), 2h);
  EXPECT_EQ(parse_duration("1d"), 24h);
  EXPECT_EQ(parse_duration("500ms"), 500ms);
  EXPECT_EQ(parse_duration("1h30m"), 90min);
  EXPECT_EQ(parse_duration("0s"), 0ms);
}

TEST(DurationTest, RefusesTheRest) {
  for (const char* bad : {"", "abc", "-5s", "5x", "1h30", "h", "1.5h", "5 s", "99999999999d"}) {
    EXPECT_EQ(parse_duration(bad), std::nullopt) << bad;
  }
}

TEST(ListenAddressTest, ReadsHostAndPort) {
  auto o = parse_listen_address("127.0.0.1:8080");
  EXPECT_EQ(o.host, "127.0.0.1");
  EXPECT_EQ(o.port, 8080);
  o = parse_listen_address("[::1]:0");
  EXPECT_EQ(o.host, "::1");
  EXPECT_EQ(o.port, 0);
  o = parse_listen_address(":9000");
  EXPECT_EQ(o.host, "");
  for (const char* bad : {"localhost", "host:", "host:http", "host:70000", "host:-1"}) {
    EXPECT_THROW(parse_listen_address(bad), Error) << bad;
  }
}

TEST(CursorTest, ListCursorRoundTrips) {
  const redis::ListPosition p{1732659403123, "reg-1:a.b_c"};
  const auto text = encode_list_cursor(p);
  EXPECT_EQ(text.find_first_of("+/="), std::string::npos) << text;  // safe in a URL
  EXPECT_EQ(decode_list_cursor(text), p);
}

TEST(CursorTest, HistoryCursorRoundTrips) {
  EXPECT_EQ(decode_history_cursor(encode_history_cursor(42)), 42);
}

TEST(CursorTest, RefusesForeignOrBrokenCursors) {
  EXPECT_EQ(decode_list_cursor("!!!"), std::nullopt);
  EXPECT_EQ(decode_list_cursor(""), std::nullopt);
  EXPECT_EQ(decode_list_cursor(encode_history_cursor(3)), std::nullopt);
  EXPECT_EQ(decode_history_cursor(encode_list_cursor({1, "x"})), std::nullopt);
  EXPECT_EQ(decode_list_cursor("bDE6eDpy"), std::nullopt);    // "l1:x:r": not a number
  EXPECT_EQ(decode_history_cursor("aDE6LTE"), std::nullopt);  // "h1:-1"
}

}  // namespace
}  // namespace enroll::http
