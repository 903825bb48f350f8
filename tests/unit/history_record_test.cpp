// The history's compact records (codec::history_line writes them, commit.lua appends them,
// adapters/redis/history_record.cpp reads them back for GET /v1/registrations/{id}/history): every
// field restored, the elided ones (the registration id in the cause, from == to, phase and step
// from `to`) filled in, older whole-JSON records passed through, and a value that is no compact
// record named rather than thrown.
#include "adapters/redis/history_record.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "adapters/codec/history_line.hpp"
#include "workflows/effects.hpp"

namespace enroll::redis {
namespace {
using nlohmann::json;

json read(std::string_view stored) { return json::parse(history_record_json(stored, "reg-1")); }

TEST(HistoryRecord, CompactFormWithElidedFieldsIsRestored) {
  const auto r = read(
      "2\t1796437683342\tchannel\tchannel-app\t\t~/c1\tconsent/accept-terms\tcard/card-front"
      "\t\t\tstep_completed");
  EXPECT_EQ(r["seq"], 2);
  EXPECT_EQ(r["at"], "2026-12-05T02:28:03.342Z");
  EXPECT_EQ(r["actor"], (json{{"role", "channel"}, {"principal", "channel-app"}}));
  EXPECT_EQ(r["cause"], "reg-1/c1");
  EXPECT_EQ(r["from"], "consent/accept-terms");
  EXPECT_EQ(r["to"], "card/card-front");
  EXPECT_EQ(r["phase"], "card");
  EXPECT_EQ(r["step"], "card-front");
  EXPECT_EQ(r["outcome"], "step_completed");

  // from elided (the same as to); the officer; a cause of another form; phase and step kept
  // where `to` is an outcome.
  const auto o = read("15\t0\tofficer\tkiosk-1\to:off-7\top/9\t\tissued\tissued\tissue\tissued");
  EXPECT_EQ(o["from"], "issued");
  EXPECT_EQ(o["cause"], "op/9");
  EXPECT_EQ(o["at"], "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(o["actor"]["officer"], "off-7");
  EXPECT_FALSE(o["actor"].contains("operator"));
  EXPECT_EQ(o["phase"], "issued");
  EXPECT_EQ(o["step"], "issue");
  // The operator; a cause that starts with '~' itself, escaped.
  const auto p = read("1\t0\toperator\tops\tp:alice\t!~x\t\tx\t\t\tok");
  EXPECT_EQ(p["actor"]["operator"], "alice");
  EXPECT_EQ(p["cause"], "~x");
  EXPECT_EQ(p["phase"], "");
}

TEST(HistoryRecord, OutcomeIsFreeTextAndAnOddTimeIsKept) {
  const auto r = read("3\tyesterday\tchannel\tapp\t\tc\ta/b\tc/d\t\t\tnot_authorised: a\tb");
  EXPECT_EQ(r["at"], "yesterday");
  EXPECT_EQ(r["outcome"], "not_authorised: a\tb");
  EXPECT_EQ(r["from"], "a/b");
}

TEST(HistoryRecord, WholeRecordsPassAndOthersAreNamed) {
  const std::string whole = R"({"seq":1,"hash":"ab","outcome":"started"})";
  EXPECT_EQ(history_record_json(whole, "reg-1"), whole);
  for (const std::string_view bad :
       {"", "x\ty", "one\t2\t3\t4\t5\t6\t7\t8\t9\t10\t11", "{not json", "{\"seq\":1"}) {
    const auto r = read(bad);
    EXPECT_EQ(r["malformed"], true) << bad;
    EXPECT_EQ(r["stored"], bad);
  }
}

TEST(HistoryRecord, ATimeOutsideTheCalendarIsKeptAsText) {
  // Hostile stored bytes: milliseconds past year 9999 (or before 0) are no RFC 3339 time.
  for (const std::string_view at :
       {"9223372036854775807", "-9223372036854775808", "253402300800000"}) {
    const auto r = read("1\t" + std::string(at) + "\tchannel\tapp\t\tc\t\tx\t\t\tok");
    EXPECT_EQ(r["at"], at);
  }
  EXPECT_EQ(read("1\t253402300799999\tchannel\tapp\t\tc\t\tx\t\t\tok")["at"],
            "9999-12-31T23:59:59.999Z");
}

// What codec::history_line writes (the pipeline, for commit.lua to append) reads back as the
// record's fields, whatever they hold: tabs, causes that start with the registration id, '~'
// or '!', from equal to to or not, to equal to '<phase>/<step>' or not.
TEST(HistoryRecord, WhatHistoryLineWritesReadsBack) {
  AuditRecord r;
  r.registration_id = RegistrationId("reg-1");
  r.seq = 7;
  r.at = from_millis(1'796'437'683'342);
  r.actor = {"channel-app", "channel", "channel-app-1", "", ""};
  r.from = "consent/accept-terms";
  r.to = "card/card-front";
  r.phase = "card";
  r.step = "card-front";
  r.outcome = "step_completed";
  r.hash = std::string(64, 'b');
  const auto expect_round_trip = [](const AuditRecord& a) {
    json actor{{"role", a.actor.role}, {"principal", a.actor.principal}};
    if (!a.actor.officer.empty()) actor["officer"] = a.actor.officer;
    if (!a.actor.operator_id.empty()) actor["operator"] = a.actor.operator_id;
    const auto untab = [](std::string t) {
      std::replace(t.begin(), t.end(), '\t', ' ');
      return t;
    };
    const std::string line = codec::history_line(a);
    EXPECT_EQ(json::parse(history_record_json(line, a.registration_id.str())),
              (json{{"seq", a.seq},
                    {"at", to_rfc3339(a.at)},
                    {"actor", actor},
                    {"cause", a.cause.str()},
                    {"from", untab(a.from)},
                    {"to", untab(a.to)},
                    {"phase", untab(a.phase)},
                    {"step", untab(a.step)},
                    {"outcome", untab(a.outcome)}}))
        << line;
    EXPECT_EQ(codec::audit_head(a), std::to_string(a.seq) + " " + a.hash);
    return line;
  };
  for (const std::string cause : {"reg-1/c1", "reg-1", "c-1", "~x", "!y", "reg-10/z", ""}) {
    r.cause = EventId(cause);
    expect_round_trip(r);
  }
  r.cause = EventId("reg-1/c1");
  EXPECT_EQ(expect_round_trip(r),
            "7\t1796437683342\tchannel\tchannel-app\t\t~/c1\tconsent/accept-terms\tcard/"
            "card-front\t\t\tstep_completed");
  r.from = r.to;  // from elided
  r.actor.officer = "off-7";
  expect_round_trip(r);
  r.actor.officer.clear();
  r.actor.operator_id = "alice";
  r.to = "issued";  // not '<phase>/<step>': phase and step kept
  r.phase = "issued";
  r.step = "issue";
  expect_round_trip(r);
  r.outcome = "not_authorised: tab\there";
  r.step = "we\tird";
  expect_round_trip(r);
}

}  // namespace
}  // namespace enroll::redis
