// Operators' and readers' own tokens (adapters/trust/operator_file.hpp, operator_tokens.hpp):
// the key folder keeps only their hashes; a token names its operator or reader and role, an
// unknown or revoked one nobody; operators.json is hostile bytes like every config file, refused
// with the file and field.
#include "adapters/trust/operator_tokens.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>

#include "adapters/codec/known_tasks.hpp"
#include "adapters/keys/keys.hpp"
#include "adapters/trust/provisioning.hpp"

namespace enroll::trust {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace std::chrono_literals;

const Timestamp kT0 = *from_rfc3339("2026-12-04T09:00:00Z");
// SHA-256 of "abc" (FIPS 180-2, appendix B.1).
constexpr const char* kAbcHash = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

json good() {
  return json::parse(R"({
    "version": 1,
    "operators": [
      {"id": "op-ann", "token_sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
       "created_at": "2026-12-01T00:00:00Z"},
      {"id": "op.bo_2", "role": "operator", "token_sha256": "0000000000000000000000000000000000000000000000000000000000000000",
       "created_at": "2026-12-01T00:00:00Z", "revoked_at": "2026-12-02T00:00:00Z"},
      {"id": "rd-cy", "role": "reader", "token_sha256": "1111111111111111111111111111111111111111111111111111111111111111",
       "created_at": "2026-12-01T00:00:00Z"}
    ]
  })");
}

// The message of the refusal of `text`, or "" if it was accepted.
std::string text_refusal(const std::string& text) {
  try {
    (void)parse_operator_file(text, "keys/operators.json");
  } catch (const TrustFileError& e) {
    EXPECT_EQ(e.code(), Errc::bad_setting);
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);  // one line
    return e.what();
  }
  return "";
}
std::string refusal(const json& doc) { return text_refusal(doc.dump()); }

TEST(OperatorFileTest, ReadsAGoodFileAndWritesItBackTheSame) {
  const OperatorFile f = parse_operator_file(good().dump(), "operators.json");
  ASSERT_EQ(f.operators.size(), 3U);
  const OperatorEntry* ann = f.find(OperatorId("op-ann"));
  ASSERT_NE(ann, nullptr);
  EXPECT_EQ(ann->token_sha256, kAbcHash);
  // No role: an operator (a file written before roles); the others as written.
  EXPECT_EQ(ann->role, TokenRole::operator_);
  EXPECT_EQ(f.find(OperatorId("op.bo_2"))->role, TokenRole::operator_);
  EXPECT_EQ(f.find(OperatorId("rd-cy"))->role, TokenRole::reader);
  EXPECT_EQ(ann->created_at, from_rfc3339("2026-12-01T00:00:00Z"));
  EXPECT_FALSE(ann->revoked_at.has_value());
  EXPECT_EQ(f.find(OperatorId("op.bo_2"))->revoked_at, from_rfc3339("2026-12-02T00:00:00Z"));
  EXPECT_EQ(f.find(OperatorId("op-cy")), nullptr);
  const std::string text = operator_file_text(f);
  EXPECT_EQ(operator_file_text(parse_operator_file(text, "operators.json")), text);
  // Written with every role named, the old entry's too.
  const json written = json::parse(text);
  EXPECT_EQ(written["operators"][0]["role"], "operator");
  EXPECT_EQ(written["operators"][2]["role"], "reader");
  EXPECT_EQ(text_refusal(R"({"version": 1, "operators": []})"), "");  // nobody may act: allowed
}

TEST(OperatorFileTest, RefusesEachMistakeNamingTheFileAndField) {
  const auto with = [](const std::function<void(json&)>& change) {
    json doc = good();
    change(doc);
    return refusal(doc);
  };
  const auto op = [](json& doc) -> json& { return doc["operators"][0]; };
  EXPECT_NE(text_refusal("{").find("keys/operators.json: (file): not JSON"), std::string::npos);
  EXPECT_NE(text_refusal("[]").find("(file): must be an object"), std::string::npos);
  EXPECT_NE(text_refusal(std::string(300 * 1024, ' ')).find("more than 262144 bytes"),
            std::string::npos);
  EXPECT_NE(text_refusal(R"({"version":1,"operators":[[[[[1]]]]]})").find("nested too deeply"),
            std::string::npos);
  EXPECT_NE(with([](json& d) { d["version"] = 2; }).find("version: must be 1"), std::string::npos);
  EXPECT_NE(with([](json& d) { d.erase("operators"); }).find("(file).operators: missing"),
            std::string::npos);
  EXPECT_NE(with([](json& d) { d["tokens"] = json::array(); }).find("unknown field 'tokens'"),
            std::string::npos);
  EXPECT_NE(
      with([&](json& d) { op(d)["token"] = "abc"; }).find("operators[0]: unknown field 'token'"),
      std::string::npos);
  EXPECT_NE(with([&](json& d) { op(d).erase("id"); }).find("operators[0].id: missing"),
            std::string::npos);
  for (const json& bad :
       {json("admin"), json("Reader"), json(""), json(nullptr), json(1), json::array({"reader"})}) {
    EXPECT_NE(with([&](json& d) {
                op(d)["role"] = bad;
              }).find("keys/operators.json: operators[0].role: must be \"operator\" or \"reader\""),
              std::string::npos)
        << bad;
  }
  for (const json& bad : {json("op ann"), json(""), json(".."), json(std::string(65, 'a')),
                          json("op/ann"), json(7)}) {
    EXPECT_NE(with([&](json& d) { op(d)["id"] = bad; }).find("operators[0].id: must be"),
              std::string::npos)
        << bad;
  }
  for (const json& bad : {json(std::string(kAbcHash).substr(1)), json(std::string(kAbcHash) + "0"),
                          json("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"),
                          json(std::string(64, 'g')), json(1)}) {
    EXPECT_NE(with([&](json& d) {
                op(d)["token_sha256"] = bad;
              }).find("operators[0].token_sha256: must be a SHA-256 in 64 lowercase hex"),
              std::string::npos)
        << bad;
  }
  EXPECT_NE(with([&](json& d) {
              op(d)["created_at"] = "yesterday";
            }).find("operators[0].created_at: must be an RFC 3339 time"),
            std::string::npos);
  EXPECT_NE(with([](json& d) {
              d["operators"][1]["revoked_at"] = "2026-11-30T00:00:00Z";
            }).find("operators[1].revoked_at: must not be before created_at"),
            std::string::npos);
  EXPECT_NE(with([](json& d) {
              d["operators"][1]["id"] = "op-ann";
            }).find("operators[1].id: 'op-ann' twice"),
            std::string::npos);
  EXPECT_NE(with([](json& d) {
              d["operators"][1]["token_sha256"] = kAbcHash;
            }).find("operators[1].token_sha256: the same token as another operator"),
            std::string::npos);
  // The bound on the count.
  json many{{"version", 1}, {"operators", json::array()}};
  for (std::size_t i = 0; i <= kMaxOperators; ++i) many["operators"].push_back(json::object());
  EXPECT_NE(refusal(many).find("operators: more than 1024 entries"), std::string::npos);
}

TEST(OperatorTokensTest, TheTokenHashIsSha256OfItsText) { EXPECT_EQ(token_hash("abc"), kAbcHash); }

TEST(OperatorTokensTest, ATokenNamesItsOperatorAndNothingElseDoes) {
  OperatorFile file;
  const NewOperator ann = add_operator(file, OperatorId("op-ann"), kT0);
  const NewOperator bo = add_operator(file, OperatorId("op-bo"), kT0);
  // 256 bits, base64url: a token is never guessed, so a fast hash of it is safe to keep.
  EXPECT_TRUE(valid_token(ann.token.view()));
  EXPECT_NE(ann.token.view(), bo.token.view());
  EXPECT_EQ(file.operators[0].token_sha256, token_hash(ann.token.view()));
  const OperatorTokens tokens(file);
  EXPECT_EQ(tokens.authenticate(ann.token.view(), kT0), (Caller{OperatorId("op-ann")}));
  EXPECT_EQ(tokens.authenticate(bo.token.view(), kT0 + 24h), (Caller{OperatorId("op-bo")}));
  const std::string a(ann.token.view());
  for (const std::string& bad :
       {std::string(), a.substr(1), a + "x",
        a.substr(0, a.size() - 1) + (a.back() == 'A' ? "B" : "A"),
        file.operators[0].token_sha256,  // what the file holds does not open the door
        std::string(kAbcHash), std::string(4096, 'a')}) {
    EXPECT_FALSE(tokens.authenticate(bad, kT0).has_value()) << bad;
  }
  EXPECT_FALSE(OperatorTokens().authenticate(a, kT0).has_value());  // no operators
  EXPECT_EQ(tokens.active_at(kT0), 2U);
}

TEST(OperatorTokensTest, ARevokedOperatorIsRefusedFromTheRevocationOn) {
  OperatorFile file;
  const NewOperator ann = add_operator(file, OperatorId("op-ann"), kT0);
  revoke_operator(file, OperatorId("op-ann"), kT0 + 1h);
  revoke_operator(file, OperatorId("op-ann"), kT0 + 2h);  // the first revocation stands
  EXPECT_EQ(file.operators[0].revoked_at, kT0 + 1h);
  const OperatorTokens tokens(file);
  EXPECT_EQ(tokens.authenticate(ann.token.view(), kT0 + 1h - 1ms), (Caller{OperatorId("op-ann")}));
  EXPECT_FALSE(tokens.authenticate(ann.token.view(), kT0 + 1h).has_value());
  EXPECT_FALSE(tokens.authenticate(ann.token.view(), kT0 + 48h).has_value());
  EXPECT_EQ(tokens.active_at(kT0 + 1h), 0U);
  EXPECT_THROW(revoke_operator(file, OperatorId("op-nobody"), kT0), Error);
}

// A reader's token names the reader with its role (the router lets it read, never act); a
// revoked reader is refused like a revoked operator.
TEST(OperatorTokensTest, AReadersTokenNamesTheReaderAndItsRole) {
  OperatorFile file;
  const NewOperator ann = add_operator(file, OperatorId("op-ann"), kT0);
  const NewOperator cy = add_operator(file, OperatorId("rd-cy"), kT0, TokenRole::reader);
  EXPECT_EQ(file.operators[1].role, TokenRole::reader);
  const OperatorTokens tokens(file);
  const auto reader = tokens.authenticate(cy.token.view(), kT0);
  ASSERT_TRUE(reader.has_value());
  EXPECT_EQ(*reader, (Caller{OperatorId("rd-cy"), TokenRole::reader}));
  EXPECT_FALSE(reader->may_act());
  EXPECT_TRUE(tokens.authenticate(ann.token.view(), kT0)->may_act());
  // One namespace of ids for both roles.
  EXPECT_THROW((void)add_operator(file, OperatorId("op-ann"), kT0, TokenRole::reader), Error);
  revoke_operator(file, OperatorId("rd-cy"), kT0 + 1h);
  EXPECT_FALSE(OperatorTokens(file).authenticate(cy.token.view(), kT0 + 1h).has_value());
  EXPECT_TRUE(OperatorTokens(file).authenticate(ann.token.view(), kT0 + 1h).has_value());
}

TEST(OperatorTokensTest, AnIdIsANameAndIsNeverReused) {
  OperatorFile file;
  (void)add_operator(file, OperatorId("op-ann"), kT0);
  revoke_operator(file, OperatorId("op-ann"), kT0);
  for (const char* id : {"op-ann", "", ".", "..", "op ann", "op/ann", "ann\n"}) {
    try {
      (void)add_operator(file, OperatorId(id), kT0);
      ADD_FAILURE() << "accepted '" << id << "'";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), Errc::bad_setting) << id;
    }
  }
  EXPECT_NO_THROW((void)add_operator(file, OperatorId(std::string(64, 'z')), kT0));
  EXPECT_EQ(file.operators.size(), 2U);
}

// The folder enroll-keygen makes: operators.json with the demo operator's hash (mode 0600),
// the token only in the demo operator's own file, for enrollctl --keys.
class OperatorFolderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("enroll-operator-test-" + std::to_string(::getpid()) + "-" +
                                        std::to_string(std::random_device{}()));
    provision_key_folder(dir_, codec::known_tasks(), kT0);
  }
  void TearDown() override { fs::remove_all(dir_); }
  static std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  fs::path dir_;
};

TEST_F(OperatorFolderTest, HoldsOnlyTheHashesOfTheDemoOperatorsAndReadersTokens) {
  const std::string token = load_demo_operator_token(dir_);
  EXPECT_TRUE(valid_token(token));
  EXPECT_EQ(demo_token_file(dir_), dir_ / "operator-1.token");
  const fs::path reader_file = demo_token_file(dir_, kDemoReader);
  EXPECT_EQ(reader_file, dir_ / "reader-1.token");
  const std::string reader_token = load_token_file(reader_file);
  EXPECT_NE(reader_token, token);
  for (const auto& f : {dir_ / "operators.json", demo_token_file(dir_), reader_file}) {
    EXPECT_EQ(fs::status(f).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write)
        << f;
  }
  const OperatorFile file = load_operator_file(dir_);
  ASSERT_EQ(file.operators.size(), 2U);
  EXPECT_EQ(file.operators[0].id, OperatorId(kDemoOperator));
  EXPECT_EQ(file.operators[0].token_sha256, token_hash(token));
  // The tokens are nowhere in the folder but their own files (the server reads hashes).
  for (const auto& entry : fs::recursive_directory_iterator(dir_)) {
    if (!entry.is_regular_file()) continue;
    if (entry.path() != demo_token_file(dir_)) {
      EXPECT_EQ(slurp(entry.path()).find(token), std::string::npos) << entry.path();
    }
    if (entry.path() != reader_file) {
      EXPECT_EQ(slurp(entry.path()).find(reader_token), std::string::npos) << entry.path();
    }
  }
  EXPECT_EQ(OperatorTokens(file).authenticate(token, kT0), (Caller{OperatorId(kDemoOperator)}));
  EXPECT_EQ(OperatorTokens(file).authenticate(reader_token, kT0),
            (Caller{OperatorId(kDemoReader), TokenRole::reader}));
}

TEST_F(OperatorFolderTest, AddAndRevokeRewriteTheFile) {
  OperatorFile file = load_operator_file(dir_);
  const NewOperator ann = add_operator(file, OperatorId("op-ann"), kT0 + 1h);
  revoke_operator(file, OperatorId(kDemoOperator), kT0 + 1h);
  write_operator_file(dir_, file);
  EXPECT_EQ(fs::status(dir_ / "operators.json").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_FALSE(fs::exists(dir_ / "operators.json.new"));
  const OperatorTokens tokens(load_operator_file(dir_));
  EXPECT_EQ(tokens.authenticate(ann.token.view(), kT0 + 2h), (Caller{OperatorId("op-ann")}));
  EXPECT_FALSE(tokens.authenticate(load_demo_operator_token(dir_), kT0 + 2h).has_value());
}

TEST_F(OperatorFolderTest, ABadFileOrTokenFileIsATypedError) {
  std::ofstream(dir_ / "operators.json") << R"({"version": 1, "operators": [{"id": "x"}]})";
  try {
    (void)load_operator_file(dir_);
    ADD_FAILURE() << "accepted";
  } catch (const TrustFileError& e) {
    EXPECT_EQ(e.code(), Errc::bad_setting);
    EXPECT_EQ(e.field(), "operators[0].token_sha256");
  }
  fs::remove(dir_ / "operators.json");
  EXPECT_THROW((void)load_operator_file(dir_), TrustFileError);  // missing
  std::ofstream(demo_token_file(dir_), std::ios::trunc) << "short\n";
  EXPECT_THROW((void)load_demo_operator_token(dir_), KeysError);
  // A new folder refuses to overwrite an operator file or token file that exists.
  fs::remove_all(dir_);
  fs::create_directories(dir_);
  std::ofstream(dir_ / "operator-1.token") << "kept\n";
  EXPECT_THROW(provision_key_folder(dir_, codec::known_tasks(), kT0), KeysError);
  EXPECT_FALSE(fs::exists(dir_ / "passcode_seal")) << "nothing written before refusing";
  EXPECT_EQ(slurp(dir_ / "operator-1.token"), "kept\n");
}

}  // namespace
}  // namespace enroll::trust
