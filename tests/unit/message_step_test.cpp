// One inbox message through MessageStep: whatever it is, the step returns (never throws), and
// what it emits is bounded; an engine invariant breach is told apart from bad input.
#include "service/pipeline/step/message_step.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "adapters/codec/envelope.hpp"
#include "adapters/codec/limits.hpp"
#include "sim/citizen_driver.hpp"
#include "tests/unit/engine_fixture.hpp"
#include "tests/unit/principals.hpp"
#include "tests/unit/test_trust.hpp"
#include "workflows/crypto/hashing.hpp"

namespace enroll {
namespace {

using nlohmann::json;

class MessageStepTest : public ::testing::Test {
 protected:
  MessageStepTest() { testing::load_all_channels(catalog_); }

  InboxRecord record(std::string_view key, std::string_view value) const {
    return InboxRecord{{"t.enroll.inbox", 3, 42}, key, value, testing::kSignedAt};
  }
  // Decodes and applies `value` over `current`, as the pipeline does.
  StepResult run(std::string_view key, std::string_view value,
                 const std::optional<Registration>& current = std::nullopt) const {
    const auto r = record(key, value);
    auto decoded = step_.decode(r);
    if (const auto* why = std::get_if<codec::DecodeError>(&decoded)) {
      return step_.dead_letter(r, *why);
    }
    // The sender the shell's signature check will name (issue 13: not yet in the decoder).
    auto& in = std::get<Inbound>(decoded);
    testing::give_fitting_principal(in, current ? &*current : nullptr, catalog_);
    return step_.apply(r, in, current, config_);
  }
  static json dead_letter_data(const StepResult& r) {
    EXPECT_EQ(r.outbox.size(), 1u);
    EXPECT_EQ(r.outbox.at(0).topic, "t.enroll.dlq");
    return json::parse(r.outbox.at(0).value).at("data");
  }

  DefinitionCatalog catalog_;
  EngineConfig config_ = testing::test_engine_config(catalog_);
  codec::SchemaSet schemas_;
  crypto::SealKeyPair keys_ = crypto::generate_seal_keypair();
  codec::InboundDecoder decoder_{schemas_, keys_, testing::test_verifier()};
  codec::OutboundEncoder encoder_{Topics{"t.enroll."}, "/test",
                                  testing::test_signer("enrollmentd")};
  MessageStep step_{decoder_, encoder_};
  sim::CitizenDriver citizen_{testing::test_signers(), keys_.pub, "/test/citizen", "self-service"};
};

TEST_F(MessageStepTest, AStartIsAppliedWithItsStateEncodedAndOutputsBounded) {
  const auto start = citizen_.start("reg-1", 7);
  const auto r = run(start.key, start.value);
  EXPECT_EQ(r.kind, StepKind::applied);
  ASSERT_TRUE(r.state.has_value());
  EXPECT_EQ(state_from_record(r.state_record).id.str(), "reg-1");
  EXPECT_FALSE(r.reason.has_value());
  ASSERT_FALSE(r.outbox.empty());
  for (const auto& m : r.outbox) EXPECT_LE(m.value.size(), codec::max_output_value_bytes);
  // The same message again over the new state: a duplicate, nothing emitted.
  const auto again = run(start.key, start.value, r.state);
  EXPECT_EQ(again.kind, StepKind::duplicate);
  EXPECT_TRUE(again.outbox.empty());
  EXPECT_FALSE(again.state.has_value());
}

TEST_F(MessageStepTest, AnEngineInvariantBreachIsAnEngineFaultNotBadInput) {
  const auto start = citizen_.start("reg-2", 8);
  auto state = run(start.key, start.value).state;
  ASSERT_TRUE(state.has_value());
  state->step = "no-such-step";  // a state the engine never makes: its step is not in the channel
  const json terms =
      codec::inbox_envelope({"c-1", "/test", "terms.accept", "reg-2"}, {{"terms_version", "v1"}},
                            testing::test_signer("channel-app"));
  const auto r = run("reg-2", terms.dump(), state);
  EXPECT_EQ(r.kind, StepKind::engine_fault);
  ASSERT_TRUE(r.reason.has_value());
  EXPECT_EQ(r.reason->code, Errc::engine_fault);
  EXPECT_FALSE(r.state.has_value());
  EXPECT_EQ(dead_letter_data(r).at("error").at("code"), "engine_fault");
}

TEST_F(MessageStepTest, ADeadLetterKeepsABoundedExcerptWithTheHashAndSize) {
  const std::string payload(200'000, '\x01');  // escaped, each byte grows to six
  const auto r = run("reg-3", payload);
  EXPECT_EQ(r.kind, StepKind::dead_lettered);
  ASSERT_EQ(r.outbox.size(), 1u);
  EXPECT_LT(r.outbox[0].value.size(), 16 * 1024u);
  const auto data = dead_letter_data(r);
  EXPECT_EQ(data.at("payload_size"), payload.size());
  EXPECT_EQ(data.at("payload_sha256"), crypto::sha256_hex(payload));
  EXPECT_EQ(data.at("payload_truncated"), true);
  EXPECT_EQ(data.at("payload").get<std::string>().size(), codec::dead_letter_excerpt_bytes);
  EXPECT_EQ(data.at("offset"), 42);
  EXPECT_EQ(r.outbox[0].key, "reg-3");
}

TEST_F(MessageStepTest, AHugeKeyIsCutInTheDeadLetter) {
  const std::string key(1'000'000, 'k');
  const auto r = step_.dead_letter(record(key, "x"), {Errc::not_json, "bad"});
  ASSERT_EQ(r.outbox.size(), 1u);
  EXPECT_EQ(r.outbox[0].key.size(), codec::dead_letter_key_bytes);
  EXPECT_LT(r.outbox[0].value.size(), 16 * 1024u);
  EXPECT_EQ(dead_letter_data(r).at("key_truncated"), true);
}

TEST_F(MessageStepTest, InvalidUtf8InAFieldNeverThrowsAndIsDeadLettered) {
  // Once passed the schema and then made the encoder throw outside any catch.
  const std::string value =
      R"({"specversion":"1.0","id":"e-1","source":"/x","type":"registration.start","subject":"reg-4","data":{"channel":"self-)" +
      std::string("\xff\xfe") + R"(","device":{"id":"d","platform":"ios"}}})";
  const auto r = run("reg-4", value);
  EXPECT_EQ(r.kind, StepKind::dead_lettered);
  ASSERT_TRUE(r.reason.has_value());
  EXPECT_FALSE(r.state.has_value());
  // Whatever the code, the dead letter is valid JSON (the invalid bytes replaced).
  EXPECT_NO_THROW((void)dead_letter_data(r));
}

}  // namespace
}  // namespace enroll
