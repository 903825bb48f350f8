// The inbox decoder against hostile bytes: every bound of adapters/codec/limits.hpp gives
// its own dead-letter code before any recursive code (schema validation, the nlohmann copy)
// runs, and what the simulators and the service itself write still decodes. Every message is
// verified (issue 13): an unproven sender is a dead letter with its code, a proven one fills
// Inbound::principal.
#include "adapters/codec/inbound_decoder.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "adapters/codec/bounded_json.hpp"
#include "adapters/codec/envelope.hpp"
#include "adapters/codec/limits.hpp"
#include "adapters/codec/outbound_encoder.hpp"
#include "sim/citizen_driver.hpp"
#include "sim/responder.hpp"
#include "sim/task_result.hpp"
#include "tests/unit/test_trust.hpp"
#include "workflows/crypto/base64.hpp"
#include "workflows/crypto/canonical_json.hpp"

namespace enroll::codec {
namespace {

using nlohmann::json;

class InboundDecoderTest : public ::testing::Test {
 protected:
  const SchemaSet schemas_;
  const crypto::SealKeyPair keys_ = crypto::generate_seal_keypair();
  const InboundDecoder decoder_{schemas_, keys_, testing::test_verifier()};
  const Timestamp now_ = testing::kSignedAt;

  // Signed by the app's back-end at now_.
  static json envelope(const std::string& type, json data, const std::string& subject = "reg-1") {
    return codec::inbox_envelope({"ev-1", "/test", type, subject}, std::move(data),
                                 testing::test_signer("channel-app"));
  }
  // `raw` with its signature made again over what it now says (a test changed the bytes to
  // reach a later check), the text otherwise as it is; unchanged if nlohmann cannot read it.
  static std::string resigned(const std::string& raw) {
    return testing::signed_text(raw, testing::test_signer("channel-app"));
  }
  static json start_data() {
    return {{"channel", "self-service"}, {"device", {{"id", "phone-1"}, {"platform", "android"}}}};
  }
  static json failed_result(json outputs) {
    return {{"request_id", "reg-1/card.verify/0.1"},
            {"task", "card.verify"},
            {"status", "failed"},
            {"outputs", std::move(outputs)},
            {"error", {{"code", "unavailable"}, {"message", "down"}}}};
  }
  // The dead-letter code of `payload`, or "" if it decodes.
  std::string code_of(std::string_view payload, std::string_view key = "reg-1") const {
    return code_as_sent(resigned(std::string(payload)), key, now_);
  }
  // The dead-letter code of `payload` as it is (no signing again), at broker time `at`.
  std::string code_as_sent(std::string_view payload, std::string_view key, Timestamp at) const {
    const auto out = decoder_.decode(payload, key, at);
    if (const auto* e = std::get_if<DecodeError>(&out)) {
      EXPECT_FALSE(e->message.empty()) << wire_code(e->code);
      return std::string(wire_code(e->code));
    }
    return "";
  }
  std::string code_of_event(const json& event) const { return code_of(event.dump()); }
  // `text` spliced in raw (not escaped by nlohmann) as the channel of a registration.start.
  std::string start_with_raw_channel(const std::string& text) const {
    auto doc = envelope("registration.start", start_data()).dump();
    const std::string channel = "\"self-service\"";
    return doc.replace(doc.find(channel), channel.size(), "\"" + text + "\"");
  }
};

TEST_F(InboundDecoderTest, AGoodStartDecodes) {
  EXPECT_EQ(code_of_event(envelope("registration.start", start_data())), "");
}

TEST_F(InboundDecoderTest, InvalidUtf8InAStringIsNotJson) {
  // Before: it passed the schema (maxLength and pattern skip such strings) and later made
  // nlohmann's dump() throw out of the pipeline.
  EXPECT_EQ(code_of(start_with_raw_channel("self\xff-service")), "not_json");
  EXPECT_EQ(code_of(start_with_raw_channel("\xc0\xaf")), "not_json");      // overlong '/'
  EXPECT_EQ(code_of(start_with_raw_channel("\xed\xa0\x80")), "not_json");  // a surrogate
  EXPECT_EQ(code_of(start_with_raw_channel("self\xe0\xb8")), "not_json");  // truncated
  EXPECT_EQ(code_of(start_with_raw_channel("\\udc00")), "not_json");       // lone, escaped
  EXPECT_EQ(code_of(start_with_raw_channel("\\ud800x")), "not_json");      // lone, escaped
  // Valid UTF-8, raw and as a surrogate pair, decodes (the engine refuses the channel).
  EXPECT_EQ(code_of(start_with_raw_channel("\xe0\xb8\x81\\ud83d\\ude00")), "");
}

TEST_F(InboundDecoderTest, InvalidUtf8InAMemberNameIsNotJson) {
  auto doc = envelope("registration.start", start_data()).dump();
  doc.replace(doc.find("\"platform\""), 10, "\"plat\xfe\"");
  EXPECT_EQ(code_of(doc), "not_json");
}

TEST_F(InboundDecoderTest, ANulByteAnywhereIsRefused) {
  const auto good = envelope("registration.start", start_data()).dump();
  // Before: RapidJSON took the NUL for the end of the text and ignored what followed.
  EXPECT_EQ(code_of(good + std::string(1, '\0') + "garbage"), "not_json");
  EXPECT_EQ(code_of(good + std::string(1, '\0')), "not_json");
  EXPECT_EQ(code_of(start_with_raw_channel(std::string("self") + '\0' + "-service")), "not_json");
  // As an escape the text is JSON, but no value of the contract holds U+0000.
  EXPECT_EQ(code_of(start_with_raw_channel("self\\u0000-service")), "invalid_data");
  auto key = good;
  key.replace(key.find("\"platform\""), 10, "\"plat\\u0000form\"");
  EXPECT_EQ(code_of(key), "invalid_data");
}

TEST_F(InboundDecoderTest, TheSizeLimitComesBeforeParsing) {
  // Before: a stack overflow in RapidJSON's recursive parser (a crash of this test).
  EXPECT_EQ(code_of(std::string(300'000, '[')), "too_large");
  EXPECT_EQ(code_of(std::string(200'000, '\x01')), "too_large");
  EXPECT_EQ(code_of(std::string(1'000, '\x01')), "not_json");
  // Exactly at the limit is still read (whitespace pads a good message to it).
  auto padded = envelope("registration.start", start_data()).dump();
  padded.append(kMaxInboundBytes - padded.size(), ' ');
  EXPECT_EQ(code_of(padded), "");
  padded.push_back(' ');
  EXPECT_EQ(code_of(padded), "too_large");
}

TEST_F(InboundDecoderTest, NestingBeyondTheDepthLimitIsRefusedWithoutRecursion) {
  // Under the size limit but far too deep for a recursive parser or validator.
  EXPECT_EQ(code_of(std::string(60'000, '[')), "too_deep");
  EXPECT_EQ(code_of(std::string(30'000, '[') + std::string(30'000, ']')), "too_deep");
  std::string objects;
  for (int i = 0; i < 10'000; ++i) objects += "{\"a\":";
  EXPECT_EQ(code_of(objects), "too_deep");
}

TEST_F(InboundDecoderTest, NestingInsideTaskOutputsCountsFromTheTop) {
  // The envelope is level 1, data 2, outputs 3: a value nested to kMaxJsonDepth in all passes
  // the parser (and then fails the schema), one level more does not.
  const auto nested = [](std::size_t levels) {
    json v = "leaf";
    for (std::size_t i = 0; i < levels; ++i) v = json::array({v});
    return v;
  };
  const std::size_t room = kMaxJsonDepth - 3;
  EXPECT_EQ(code_of_event(envelope("task.result", failed_result({{"x", nested(room)}}))),
            "invalid_data");
  // Too deep to sign (the canonical form has the same bound): refused before the signature.
  const auto unsigned_event = [](json data) {
    return codec::envelope({"ev-1", "/test", "task.result", "reg-1"}, std::move(data));
  };
  EXPECT_EQ(code_of_event(unsigned_event(failed_result({{"x", nested(room + 1)}}))), "too_deep");
  EXPECT_EQ(code_of_event(unsigned_event(failed_result({{"x", nested(100)}}))), "too_deep");
}

TEST_F(InboundDecoderTest, NumbersThatDoNotFitAreRefused) {
  const auto with_code = [&](const std::string& number) {
    auto doc = envelope("task.result", failed_result({{"code", 0}})).dump();
    const std::string zero = "\"code\":0";
    return doc.replace(doc.find(zero), zero.size(), "\"code\":" + number);
  };
  EXPECT_EQ(code_of(with_code("4")), "");
  EXPECT_EQ(code_of(with_code("-9007199254740991")), "");
  EXPECT_EQ(code_of(with_code("0.25")), "");
  EXPECT_EQ(code_of(with_code("9007199254740991")), "");  // 2^53 - 1
  // Integers beyond 2^53 have no RFC 8785 form (its numbers are doubles): nothing can sign
  // them, so they are refused as bad_signature before their schema is looked at.
  EXPECT_EQ(code_of(with_code("9223372036854775807")), "bad_signature");   // INT64_MAX
  EXPECT_EQ(code_of(with_code("-9223372036854775808")), "bad_signature");  // INT64_MIN
  EXPECT_EQ(code_of(with_code("9223372036854775808")), "invalid_data");    // INT64_MAX + 1
  EXPECT_EQ(code_of(with_code("18446744073709551615")), "invalid_data");   // UINT64_MAX
  EXPECT_EQ(code_of(with_code("123456789012345678901234567890")), "invalid_data");
  EXPECT_EQ(code_of(with_code("-123456789012345678901234567890")), "invalid_data");
  EXPECT_EQ(code_of(with_code("1e300")), "invalid_data");
  EXPECT_EQ(code_of(with_code("1e400")), "invalid_data");  // beyond a double
  EXPECT_EQ(code_of(with_code("NaN")), "not_json");
  EXPECT_EQ(code_of(with_code("Infinity")), "not_json");
  // Zero with any exponent is zero (RapidJSON 1.1's full-precision reader met undefined
  // behaviour on these: inbound_fuzz).
  for (const char* zero : {"0e99", "0e-999", "-0E+300", "0.000e5", "0.0"}) {
    EXPECT_EQ(code_of(with_code(zero)), "") << zero;
  }
  EXPECT_EQ(code_of(with_code("0e400")), "invalid_data");  // RapidJSON's own exponent bound
  // A number too small for a double (not representable, not even as a denormal) is refused
  // like one too large, rather than read as 0.
  EXPECT_EQ(code_of(with_code("1e-400")), "invalid_data");
  EXPECT_EQ(code_of(with_code("1e-99999999999")), "invalid_data");
  EXPECT_EQ(code_of(with_code("5e-324")), "");  // the smallest denormal
}

// RapidJSON reads the first of two members of one name, nlohmann (a signature's canonical
// form, task outputs) the last: a name twice in one object is refused, at any depth.
TEST_F(InboundDecoderTest, AMemberNameTwiceInOneObjectIsRefused) {
  const std::string good = envelope("terms.accept", {{"terms_version", "2024-06"}}).dump();
  EXPECT_EQ(code_of(good), "");
  std::string twice_top = good;
  twice_top.insert(1, R"("data":{"terms_version":"forged"},)");
  EXPECT_EQ(code_of(twice_top), "invalid_data");
  std::string twice_inner = good;
  const std::string version = R"("terms_version":"2024-06")";
  twice_inner.replace(twice_inner.find(version), version.size(),
                      R"("terms_version":"forged","terms_version":"2024-06")");
  EXPECT_EQ(code_of(twice_inner), "invalid_data");
  // The same name in different objects is fine: the envelope's id and the device's.
  EXPECT_EQ(code_of_event(envelope("registration.start", start_data())), "");
}

// The check for a name twice searches an object's first names and keeps a set past them:
// both ways, and the change from one to the other, find every repeat and only repeats.
TEST(BoundedJsonTest, ANameTwiceIsFoundInSmallAndLargeObjectsAtAnyDepth) {
  const auto object = [](std::size_t n, const std::string& extra) {
    std::string text = "{";
    for (std::size_t i = 0; i < n; ++i)
      text += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
    return text + extra + "}";
  };
  const auto refusal = [](const std::string& text) {
    rapidjson::Document doc;
    const auto r = parse_bounded(text, doc);
    return r ? std::string(wire_code(r->code)) : std::string();
  };
  for (const std::size_t n : {1u, 2u, 15u, 16u, 17u, 40u, 300u}) {
    EXPECT_EQ(refusal(object(n, "\"last\":0")), "") << n;
    for (const std::size_t twice : {std::size_t{0}, n / 2, n - 1}) {
      const std::string name = "\"k" + std::to_string(twice) + "\"";
      EXPECT_EQ(refusal(object(n, name + ":0")), "invalid_data") << n << " " << twice;
      // Inside another object, after a sibling object of as many names.
      EXPECT_EQ(
          refusal("{\"a\":" + object(n, "\"x\":0") + ",\"b\":" + object(n, name + ":0") + "}"),
          "invalid_data")
          << n << " " << twice;
      // The same name in the outer object and in a closed inner one is no repeat.
      EXPECT_EQ(refusal(object(n, "\"in\":" + object(n, "\"z\":0") + "," + "\"z\":1")), "") << n;
    }
  }
}

// Bytes before the JSON text are not JSON, a byte-order mark's included (RapidJSON's UTF-8
// stream skipped 0xEF, 0xBB and 0xBF each on its own, so "\xbf" + an event decoded:
// inbound_fuzz, against nlohmann, which refuses them).
TEST_F(InboundDecoderTest, AByteOrderMarkOrAnyOfItsBytesIsNotJson) {
  const std::string good = envelope("terms.accept", {{"terms_version", "2024-06"}}).dump();
  EXPECT_EQ(code_as_sent(good, "reg-1", now_), "");
  for (const std::string prefix : {"\xef\xbb\xbf", "\xbf", "\xbb", "\xef", "\xbf\t"}) {
    EXPECT_EQ(code_as_sent(prefix + good, "reg-1", now_), "not_json") << prefix.size();
  }
}

TEST_F(InboundDecoderTest, AMessageWithoutAKeyIsRefused) {
  EXPECT_EQ(code_of(envelope("registration.start", start_data()).dump(), ""), "missing_key");
  EXPECT_EQ(code_of(envelope("registration.start", start_data()).dump(), "reg-2"), "key_mismatch");
}

TEST_F(InboundDecoderTest, OverlongStringsAndUnknownMembersFailTheirSchema) {
  auto long_channel = start_data();
  long_channel["channel"] = std::string(10'000, 'a');
  EXPECT_EQ(code_of_event(envelope("registration.start", long_channel)), "invalid_data");
  auto extra = start_data();
  extra["device"]["colour"] = "red";
  EXPECT_EQ(code_of_event(envelope("registration.start", extra)), "invalid_data");
  auto long_reason = failed_result(json::object());
  long_reason["error"]["message"] = std::string(5'000, 'm');
  EXPECT_EQ(code_of_event(envelope("task.result", long_reason)), "invalid_data");
  auto many = failed_result(json::object());
  for (int i = 0; i < 100; ++i) many["outputs"]["k" + std::to_string(i)] = i;
  EXPECT_EQ(code_of_event(envelope("task.result", many)), "invalid_data");
  auto long_type = envelope("registration.start", start_data());
  long_type["type"] = std::string(10'000, 't');
  EXPECT_EQ(code_of_event(long_type), "not_cloudevent");
  auto long_time = envelope("registration.start", start_data());
  long_time["time"] = std::string(10'000, '1');
  EXPECT_EQ(code_of_event(long_time), "not_cloudevent");
}

TEST_F(InboundDecoderTest, CloudEventsExtensionsAreBoundedButAllowed) {
  auto e = envelope("registration.start", start_data());
  e["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  e["partitionkey"] = "reg-1";
  e["sequence"] = 7;
  EXPECT_EQ(code_of_event(e), "");
  auto too_many = e;
  for (int i = 0; i < 40; ++i) too_many["ext" + std::to_string(i)] = "x";
  EXPECT_EQ(code_of_event(too_many), "not_cloudevent");
  auto long_value = e;
  long_value["comexampleext"] = std::string(5'000, 'v');
  EXPECT_EQ(code_of_event(long_value), "not_cloudevent");
  auto object_value = e;
  object_value["comexampleext"] = json::object();
  EXPECT_EQ(code_of_event(object_value), "not_cloudevent");
}

// What the service's own writers and the simulators send decodes: a bound must not refuse
// a legitimate message.
TEST_F(InboundDecoderTest, WhatTheSimulatedCitizensSendDecodes) {
  sim::CitizenDriver driver(testing::test_signers(), keys_.pub, "/test/citizens", "self-service");
  std::size_t seen = 0;
  const auto check = [&](const sim::Command& c) {
    ++seen;
    const auto out = decoder_.decode(c.value, c.key, now_);
    const auto* e = std::get_if<DecodeError>(&out);
    EXPECT_EQ(e, nullptr) << c.value << ": "
                          << (e ? std::string(wire_code(e->code)) + " " + e->message : "");
  };
  const std::vector<std::string> channels{"self-service", "officer-assisted", "passcode-reset",
                                          "kiosk"};
  for (std::size_t i = 0; i < channels.size(); ++i) {
    const std::string id = "reg-" + std::to_string(i);
    check(driver.start(id, 11 + i, channels[i]));
    const std::vector<std::pair<std::string, std::string>> asks{
        {"consent", "terms.accept"},      {"consent", "permissions.grant"},
        {"card", "card.front.capture"},   {"card", "card.back.capture"},
        {"review", "card.data.confirm"},  {"card", "citizen_id.enter"},
        {"biometrics", "selfie.capture"}, {"biometrics", "fingerprint.capture"},
        {"pin", "passcode.set"},          {"consent-confirm", "consent.confirm"}};
    for (const auto& [phase, expects] : asks) {
      const json awaiting = codec::envelope({std::string(id).append("/").append(expects),
                                             "/enrollmentd", "registration.awaiting", id},
                                            {{"phase", phase},
                                             {"step", "s"},
                                             {"expects", json::array({expects})},
                                             {"attempts_left", 3},
                                             {"reason", nullptr}});
      for (const auto& c : driver.on_event(awaiting)) check(c);
    }
  }
  EXPECT_GE(seen, channels.size() * 10);
}

// Issue 15: a sealed passcode copied from another registration's command (the inbox keeps them
// for days) is a dead letter, not a passcode; boxes for two different steps too.
TEST_F(InboundDecoderTest, ASealedPasscodeBoundElsewhereIsADeadLetter) {
  const auto box = [&](const char* reg, const char* step) {
    return crypto::seal_passcode(reg, step, "13572468", keys_.pub);
  };
  const auto set = [&](const std::string& a, const std::string& b) {
    return decoder_.decode(envelope("passcode.set", {{"sealed", a}, {"sealed_repeat", b}}).dump(),
                           "reg-1", now_);
  };
  const auto ok = set(box("reg-1", "set-passcode"), box("reg-1", "set-passcode"));
  ASSERT_TRUE(std::holds_alternative<Inbound>(ok));
  const auto& cmd = std::get<PasscodeSet>(std::get<Inbound>(ok).payload);
  EXPECT_EQ(cmd.step, "set-passcode");
  ASSERT_TRUE(cmd.first && cmd.repeat);
  EXPECT_EQ(cmd.first->view(), "13572468");

  const auto replayed = set(box("reg-2", "set-passcode"), box("reg-1", "set-passcode"));
  ASSERT_TRUE(std::holds_alternative<DecodeError>(replayed));
  EXPECT_EQ(wire_code(std::get<DecodeError>(replayed).code), "invalid_data");
  EXPECT_NE(std::get<DecodeError>(replayed).message.find("bound to another registration"),
            std::string::npos);
  const auto mixed = set(box("reg-1", "set-passcode"), box("reg-1", "confirm-consent"));
  ASSERT_TRUE(std::holds_alternative<DecodeError>(mixed));
  EXPECT_NE(std::get<DecodeError>(mixed).message.find("different steps"), std::string::npos);

  const auto confirm = decoder_.decode(
      envelope("consent.confirm", {{"sealed", box("reg-9", "confirm-consent")}}).dump(), "reg-1",
      now_);
  EXPECT_TRUE(std::holds_alternative<DecodeError>(confirm));
  // An unbound box (the form before issue 15) does not open as a passcode: the step asks again.
  const auto unbound = decoder_.decode(
      envelope("consent.confirm", {{"sealed", crypto::seal("13572468", keys_.pub)}}).dump(),
      "reg-1", now_);
  ASSERT_TRUE(std::holds_alternative<Inbound>(unbound));
  EXPECT_FALSE(std::get<ConsentConfirm>(std::get<Inbound>(unbound).payload).passcode.has_value());
}

TEST_F(InboundDecoderTest, WhatTheSimulatedConnectorsAnswerDecodes) {
  sim::Responder responder(sim::Behaviour{}, sim::Scenario{});
  const auto c = sim::citizen(21);
  const json card{{"citizen_id", c.citizen_id},
                  {"first_name", c.first_name},
                  {"last_name", c.last_name},
                  {"date_of_birth", "25300101"},
                  {"laser_code", c.laser_code}};
  const std::vector<std::tuple<std::string, std::string, json>> tasks{
      {"capture", "card.front.ocr", {{"image_ref", sim::card_front_ref(c, 1)}}},
      {"capture", "card.back.ocr", {{"image_ref", sim::card_back_ref(c, 1)}}},
      {"capture", "card.chip.read", {{"reader", "kiosk"}}},
      {"capture", "face.liveness", {{"image_ref", sim::selfie_ref(c, 1)}}},
      {"registry", "card.verify", card},
      {"registry", "face.match", {{"citizen_id", c.citizen_id}, {"image_ref", "x"}}},
      {"registry",
       "fingerprint.match",
       {{"citizen_id", c.citizen_id}, {"template_ref", sim::fingerprint_ref(c, 1)}}},
      {"registry", "identity.issue", {{"citizen_id", c.citizen_id}}},
      {"registry", "identity.reactivate", {{"citizen_id", c.citizen_id}}},
      {"officer", "review.request", {{"officer", {{"id", "officer-1"}}}}},
      {"officer", "qr.display", {{"token", "t"}}},
      {"officer", "no.such.task", json::object()}};
  std::size_t largest = 0;
  for (const auto& [connector, task, inputs] : tasks) {
    const sim::TaskRequestView req{"reg-1", "reg-1/" + task + "/0.1", task, 1, inputs};
    const auto reply = responder.respond(connector, req).reply;
    ASSERT_TRUE(reply.has_value()) << task;
    const auto event = sim::task_result_event(req, *reply, "/sim/" + connector,
                                              testing::test_signers().for_connector(connector));
    largest = std::max(largest, event.size());
    const auto out = decoder_.decode(event, "reg-1", now_);
    const auto* e = std::get_if<DecodeError>(&out);
    EXPECT_EQ(e, nullptr) << event << ": "
                          << (e ? std::string(wire_code(e->code)) + " " + e->message : "");
  }
  // README ("Bounds on inbound bytes"): far below kMaxInboundBytes.
  EXPECT_LT(largest, 2048u);
}

// A connector's outputs hold numbers as its JSON library writes them: the shortest digits that
// read back as the double, up to 17 of them. The signature covers that form, so the decoder
// must read each number back to the same double (a parser that is off by one unit in the last
// place would refuse an honest message as bad_signature) and keep it in the outputs.
TEST_F(InboundDecoderTest, NumbersOfSeventeenDigitsKeepTheirValueAndTheirSignature) {
  // (Magnitudes of 2^63 and more are refused: NumbersThatDoNotFitAreRefused.)
  const std::vector<double> values{0.1 + 0.2,
                                   0.9731,
                                   1.0 / 3.0,
                                   2.0 / 3.0,
                                   5e-324,
                                   4.9406564584124654e-320,
                                   2.2250738585072014e-308,
                                   123456789.12345679,
                                   9007199254740991.0,
                                   0.6931471805599453,
                                   1.2345678901234567e18,
                                   8.98846567431158e-300};
  for (const double v : values) {
    // A failed result: its outputs are kept as they are, not held to the task's schema.
    const json data = failed_result({{"score", v}, {"count", 3}});
    const auto event = codec::inbox_envelope({"ev-n", "/test", "task.result", "reg-1"}, data,
                                             testing::test_signer("connector-registry"));
    const auto out = decoder_.decode(event.dump(), "reg-1", now_);
    const auto* e = std::get_if<DecodeError>(&out);
    EXPECT_EQ(e, nullptr) << event.dump() << ": " << wire_code(e->code) << " " << e->message;
    if (e != nullptr) continue;
    const auto& result = std::get<TaskResult>(std::get<Inbound>(out).payload);
    EXPECT_EQ(result.outputs.at("score").get<double>(), v) << event.dump();
  }
}

TEST_F(InboundDecoderTest, TimersFromTheOutboxDecode) {
  const OutboundEncoder encoder(Topics{}, "/enrollmentd", testing::test_signer("enrollmentd"));
  const Timestamp due{std::chrono::milliseconds(1'800'000'000'000)};
  const auto m = encoder.timer(RegistrationId("reg-1"), due, due);
  const auto out = decoder_.decode(m.value, m.key, due);
  ASSERT_TRUE(std::holds_alternative<Inbound>(out)) << std::get<DecodeError>(out).message;
  EXPECT_EQ(std::get<TimerFired>(std::get<Inbound>(out).payload).due, due);
  EXPECT_EQ(std::get<Inbound>(out).principal.role, Role::orchestrator);
  // A timer that waited in the outbox through an outage still fires (no freshness window
  // for the orchestrator's own messages).
  const auto late = decoder_.decode(m.value, m.key, due + std::chrono::hours(3));
  EXPECT_TRUE(std::holds_alternative<Inbound>(late)) << std::get<DecodeError>(late).message;
}

TEST_F(InboundDecoderTest, TheVerifiedSenderIsTheInboundsPrincipal) {
  const auto out =
      decoder_.decode(envelope("terms.accept", {{"terms_version", "v1"}}).dump(), "reg-1", now_);
  ASSERT_TRUE(std::holds_alternative<Inbound>(out)) << std::get<DecodeError>(out).message;
  const Principal& who = std::get<Inbound>(out).principal;
  EXPECT_EQ(who.name.str(), "channel-app");
  EXPECT_EQ(who.role, Role::channel);
  EXPECT_EQ(who.key_id, "channel-app-1");
  EXPECT_EQ(who.channels,
            (std::vector<std::string>{"self-service", "passcode-reset", "officer-assisted"}));
}

// An unproven sender is a dead letter with its code, before anything reads what it says.
TEST_F(InboundDecoderTest, AnUnprovenSenderIsADeadLetterWithItsCode) {
  const json terms{{"terms_version", "v1"}};
  const json good = envelope("terms.accept", terms);
  EXPECT_EQ(code_as_sent(good.dump(), "reg-1", now_), "");
  // unsigned: the plain envelope, or a signature without its key id.
  json plain = codec::envelope({"ev-1", "/test", "terms.accept", "reg-1", now_}, terms);
  EXPECT_EQ(code_as_sent(plain.dump(), "reg-1", now_), "unsigned");
  json no_key = good;
  no_key.erase("keyid");
  EXPECT_EQ(code_as_sent(no_key.dump(), "reg-1", now_), "unsigned");
  // Even data that would fail its schema: the sender is checked first.
  plain["data"] = {{"terms_version", 7}};
  EXPECT_EQ(code_as_sent(plain.dump(), "reg-1", now_), "unsigned");
  // unknown_key
  json stranger = good;
  stranger["keyid"] = "nobody-1";
  EXPECT_EQ(code_as_sent(stranger.dump(), "reg-1", now_), "unknown_key");
  // bad_signature: the data changed after signing, or another principal's key id.
  json forged = good;
  forged["data"]["terms_version"] = "v2";
  EXPECT_EQ(code_as_sent(forged.dump(), "reg-1", now_), "bad_signature");
  json borrowed = good;
  borrowed["keyid"] = "channel-kiosk-1";
  EXPECT_EQ(code_as_sent(borrowed.dump(), "reg-1", now_), "bad_signature");
  // stale_message: appended more than 5 minutes after the sender's time.
  EXPECT_EQ(code_as_sent(good.dump(), "reg-1", now_ + std::chrono::minutes(6)), "stale_message");
}

TEST_F(InboundDecoderTest, RevokedAndExpiredKeysAreDeadLetters) {
  trust::NewTrust fresh = trust::new_trust(trust::default_principals(codec::known_tasks()),
                                           now_ - std::chrono::hours(1));
  for (auto& k : fresh.trust.keys) {
    if (k.id.str() == "channel-app-1") k.revoked_at = now_ + std::chrono::minutes(1);
    if (k.id.str() == "channel-kiosk-1") k.not_after = now_ - std::chrono::minutes(1);
  }
  const trust::Verifier verifier = trust::verifier_of(fresh);
  const InboundDecoder decoder(schemas_, keys_, verifier);
  const auto code = [&](const json& e, Timestamp at) {
    const auto out = decoder.decode(e.dump(), "reg-1", at);
    const auto* why = std::get_if<DecodeError>(&out);
    return why != nullptr ? std::string(wire_code(why->code)) : std::string();
  };
  // Signed with the key itself: a Signer never uses a revoked or expired key.
  const auto event = [&](std::size_t key) {
    json e = codec::envelope({"ev-1", "/test", "terms.accept", "reg-1", now_},
                             {{"terms_version", "v1"}});
    e["keyid"] = fresh.trust.keys[key].id.str();
    const trust::SigningKey signing(fresh.trust.keys[key],
                                    SecretString(std::string(fresh.secrets[key].view())));
    const std::string sig = signing.sign(crypto::canonical_json(e, trust::kSignatureAttribute));
    e["signature"] = crypto::to_base64url(
        std::span(reinterpret_cast<const unsigned char*>(sig.data()), sig.size()));
    return e;
  };
  const auto index = [&](const char* id) {
    for (std::size_t i = 0; i < fresh.trust.keys.size(); ++i) {
      if (fresh.trust.keys[i].id.str() == id) return i;
    }
    throw std::logic_error(id);
  };
  const json app = event(index("channel-app-1"));
  EXPECT_EQ(code(app, now_), "");  // before its revocation
  EXPECT_EQ(code(app, now_ + std::chrono::minutes(1)), "revoked_key");
  EXPECT_EQ(code(event(index("channel-kiosk-1")), now_), "key_not_valid");
}

}  // namespace
}  // namespace enroll::codec
