// trust.json is hostile bytes too: each kind of mistake is refused with the file and field.
#include "adapters/trust/trust_file.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace enroll::trust {
namespace {

using json = nlohmann::json;

const char* kPublicKey = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";

json good() {
  return json::parse(R"({
    "version": 1,
    "principals": [
      {"name": "channel-app", "role": "channel", "channels": ["self-service", "passcode-reset"]},
      {"name": "connector-capture", "role": "connector", "tasks": ["face.match"]},
      {"name": "operator-api", "role": "operator"},
      {"name": "enrollmentd", "role": "orchestrator", "tasks": ["citizen.claim"]}
    ],
    "keys": [
      {"id": "channel-app-1", "principal": "channel-app", "alg": "hmac-sha256",
       "not_before": "2026-12-01T00:00:00Z", "not_after": "2027-12-01T00:00:00Z"},
      {"id": "operator-api-1", "principal": "operator-api", "alg": "ed25519",
       "not_before": "2026-12-01T00:00:00Z", "revoked_at": "2026-12-02T00:00:00Z",
       "public_key": "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="}
    ]
  })");
}

// The message of the refusal of `doc`, or "" if it was accepted.
std::string refusal(const std::string& text) {
  try {
    (void)parse_trust_file(text, "keys/trust.json");
  } catch (const TrustFileError& e) {
    EXPECT_EQ(e.code(), Errc::bad_setting);
    return e.what();
  }
  return "";
}
std::string refusal(const json& doc) { return refusal(doc.dump()); }

TEST(TrustFileTest, ReadsAGoodFile) {
  const TrustFile t = parse_trust_file(good().dump(), "trust.json");
  ASSERT_EQ(t.principals.size(), 4U);
  EXPECT_EQ(t.principals[0].role, Role::channel);
  EXPECT_EQ(t.principals[0].channels, (std::vector<std::string>{"self-service", "passcode-reset"}));
  EXPECT_EQ(t.principals[1].tasks, std::vector<std::string>{"face.match"});
  EXPECT_EQ(t.principals[2].role, Role::operator_);
  ASSERT_EQ(t.keys.size(), 2U);
  const TrustedKey* k = t.key(KeyId("channel-app-1"));
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->alg, Alg::hmac_sha256);
  EXPECT_EQ(k->not_after, from_rfc3339("2027-12-01T00:00:00Z"));
  EXPECT_FALSE(k->revoked_at.has_value());
  EXPECT_EQ(t.key(KeyId("operator-api-1"))->revoked_at, from_rfc3339("2026-12-02T00:00:00Z"));
  EXPECT_EQ(t.key(KeyId("operator-api-1"))->public_key[0], 0xd7);
  // Written and read back to the same.
  const TrustFile again = parse_trust_file(trust_file_text(t), "trust.json");
  EXPECT_EQ(trust_file_text(again), trust_file_text(t));
}

TEST(TrustFileTest, RefusesEachKindOfMistake) {
  struct Case {
    const char* what;
    json doc;
    const char* message;
  };
  std::vector<Case> cases;
  const auto with = [&](const char* what, const char* pointer, json value, const char* message) {
    json d = good();
    d[json::json_pointer(pointer)] = std::move(value);
    cases.push_back({what, d, message});
  };
  const auto without = [&](const char* what, const char* parent, const char* member,
                           const char* message) {
    json d = good();
    d[json::json_pointer(parent)].erase(member);
    cases.push_back({what, d, message});
  };
  with("unknown top-level field", "/extra", 1, "(file): unknown field 'extra'");
  with("unknown principal field", "/principals/0/commands", json::array(),
       "principals[0]: unknown field 'commands'");
  with("unknown key field", "/keys/0/secret", "x", "keys[0]: unknown field 'secret'");
  with("version", "/version", 2, "version: must be 1");
  without("no version", "", "version", "(file).version: missing");
  with("principals not an array", "/principals", json::object(), "principals: must be an array");
  with("bad name", "/principals/0/name", "channel app", "principals[0].name: must be 1 to 64");
  with("long name", "/principals/0/name", std::string(65, 'a'),
       "principals[0].name: must be 1 to 64");
  with("empty name", "/principals/0/name", "", "principals[0].name: must be 1 to 64");
  with("dot-dot name", "/keys/0/id", "..", "keys[0].id: must be 1 to 64");
  with("path in key id", "/keys/0/id", "../etc", "keys[0].id: must be 1 to 64");
  with("name not a string", "/principals/0/name", 5, "principals[0].name: must be a string");
  with("duplicate principal", "/principals/1/name", "channel-app",
       "principals[1].name: 'channel-app' twice");
  with("unknown role", "/principals/0/role", "admin", "principals[0].role: must be one of");
  with("channel without channels", "/principals/0/channels", json::array(),
       "principals[0].channels: missing or empty");
  with("connector without tasks", "/principals/1/tasks", json::array(),
       "principals[1].tasks: missing or empty");
  with("channels on a connector", "/principals/1/channels", json::array({"kiosk"}),
       "principals[1].channels: only for roles channel and officer_console");
  with("tasks on an operator", "/principals/2/tasks", json::array({"face.match"}),
       "principals[2].tasks: only for roles connector, officer_console and orchestrator");
  with("bad channel name", "/principals/0/channels/0", "self service",
       "principals[0].channels[0]: must be 1 to 64");
  with("duplicate channel", "/principals/0/channels/1", "self-service",
       "principals[0].channels: 'self-service' twice");
  with("duplicate key id", "/keys/1/id", "channel-app-1", "keys[1].id: 'channel-app-1' twice");
  with("undeclared principal", "/keys/0/principal", "channel-kiosk",
       "keys[0].principal: 'channel-kiosk' is not declared in principals");
  with("unknown alg", "/keys/0/alg", "rsa", "keys[0].alg: must be hmac-sha256 or ed25519");
  with("bad time", "/keys/0/not_before", "yesterday", "keys[0].not_before: must be an RFC 3339");
  without("no not_before", "/keys/0", "not_before", "keys[0].not_before: missing");
  with("time beyond 8999", "/keys/0/not_after", "9999-12-31T23:00:00-05:00",
       "keys[0].not_after: must be from 1970 to 8999");
  with("time before 1970", "/keys/0/not_before", "1969-12-31T23:59:59Z",
       "keys[0].not_before: must be from 1970 to 8999");
  with("not_after before not_before", "/keys/0/not_after", "2026-11-30T00:00:00Z",
       "keys[0].not_after: must be after not_before");
  with("not_after equal to not_before", "/keys/0/not_after", "2026-12-01T00:00:00Z",
       "keys[0].not_after: must be after not_before");
  with("revoked_at not a time", "/keys/0/revoked_at", "yes",
       "keys[0].revoked_at: must be an RFC 3339 time");
  with("public key on an HMAC key", "/keys/0/public_key", kPublicKey,
       "keys[0].public_key: only for ed25519 keys");
  without("ed25519 without public key", "/keys/1", "public_key", "keys[1].public_key: missing");
  with("short public key", "/keys/1/public_key", "AAAA",
       "keys[1].public_key: must be a 32-byte Ed25519 public key");
  with("public key not base64", "/keys/1/public_key", "not base64 at all!",
       "keys[1].public_key: must be a 32-byte Ed25519 public key");
  for (const auto& c : cases) {
    const std::string message = refusal(c.doc);
    EXPECT_NE(message.find(std::string("keys/trust.json: ") + c.message), std::string::npos)
        << c.what << ": got '" << message << "'";
  }
}

TEST(TrustFileTest, RefusesHostileShapes) {
  EXPECT_NE(refusal(std::string("{")).find("(file): not JSON"), std::string::npos);
  EXPECT_NE(refusal(std::string("[]")).find("(file): must be an object"), std::string::npos);
  EXPECT_NE(refusal(std::string(kMaxTrustFileBytes + 1, ' ')).find("more than"), std::string::npos);
  std::string deep(10000, '[');
  EXPECT_NE(refusal(deep).find("nested too deeply"), std::string::npos);
  json many = good();
  for (std::size_t i = 0; i < kMaxKeys + 1; ++i) many["keys"].push_back(many["keys"][0]);
  EXPECT_NE(refusal(many).find("keys: more than 1024 entries"), std::string::npos);
  json names = good();
  for (std::size_t i = 0; i < kMaxNamesPerPrincipal; ++i) {
    names["principals"][0]["channels"].push_back("c" + std::to_string(i));
  }
  EXPECT_NE(refusal(names).find("principals[0].channels: more than 64"), std::string::npos);
  // A control character in an unknown field's name is not echoed.
  json control = good();
  control["bad\nname."] = 1;
  EXPECT_NE(refusal(control).find("unknown field 'bad?name.'"), std::string::npos);
}

}  // namespace
}  // namespace enroll::trust
