// The inbox's trust: signing and verifying with both algorithms, every refusal of the verifier,
// rotation and revocation, the signing keys in the key folder.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>

#include "adapters/codec/known_tasks.hpp"
#include "adapters/keys/keys.hpp"
#include "adapters/trust/provisioning.hpp"
#include "adapters/trust/signer.hpp"
#include "adapters/trust/verifier.hpp"
#include "workflows/crypto/base64.hpp"
#include "workflows/crypto/canonical_json.hpp"

namespace enroll::trust {
namespace {

using json = nlohmann::json;
using std::chrono::minutes;
namespace fs = std::filesystem;

const Timestamp kT0 = *from_rfc3339("2026-12-01T10:00:00Z");

Principal principal(const char* name, Role role) {
  Principal p;
  p.name = PrincipalName(name);
  p.role = role;
  if (role == Role::channel || role == Role::officer_console) p.channels = {"self-service"};
  if (role == Role::connector) p.tasks = {"face.match"};
  return p;
}

// A typical inbox event (a citizen's command through the app's back-end).
json command(Timestamp at) {
  return json{{"specversion", "1.0"},
              {"id", "cmd-0001"},
              {"source", "channel-app/device-17"},
              {"type", "selfie.capture"},
              {"subject", "reg-5f3a9c"},
              {"time", to_rfc3339(at)},
              {"datacontenttype", "application/json"},
              {"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
              {"data", {{"image_ref", "s3://captures/reg-5f3a9c/selfie-1.jpg"}}}};
}

// One trust file with an HMAC principal and an Ed25519 one, their signers and the verifier.
class TrustTest : public ::testing::Test {
 protected:
  void SetUp() override {
    trust_.principals = {principal("channel-app", Role::channel),
                         principal("officer-console", Role::officer_console)};
    add_key("channel-app", Alg::hmac_sha256, kT0 - minutes(60));
    add_key("officer-console", Alg::ed25519, kT0 - minutes(60));
  }

  void add_key(const char* who, Alg alg, Timestamp not_before) {
    NewKey k =
        generate_key(next_key_id(trust_, PrincipalName(who)), PrincipalName(who), alg, not_before);
    trust_.keys.push_back(k.key);
    secrets_.push_back(std::move(k));
  }

  // Keeps the trust file's view of each key (rotation and revocation change it).
  std::vector<SigningKey> keys_of(const char* who, bool hmac_only = false) {
    std::vector<SigningKey> out;
    for (const auto& s : secrets_) {
      const TrustedKey& listed = *trust_.key(s.key.id);
      if ((who == nullptr || listed.principal.str() == who) &&
          (!hmac_only || listed.alg == Alg::hmac_sha256)) {
        out.emplace_back(listed, SecretString(std::string(s.secret.view())));
      }
    }
    return out;
  }

  Signer signer(const char* who, Timestamp now) {
    return Signer(PrincipalName(who), keys_of(who), [now] { return now; });
  }
  Verifier verifier() { return Verifier(trust_, keys_of(nullptr, true)); }

  json signed_by(const char* who, Timestamp at) {
    json e = command(at);
    signer(who, at).sign(e);
    return e;
  }

  static Errc refusal(const std::variant<Principal, Refusal>& r) {
    return std::holds_alternative<Refusal>(r) ? std::get<Refusal>(r).code : Errc::internal;
  }

  TrustFile trust_;
  std::vector<NewKey> secrets_;
};

TEST_F(TrustTest, SignsAndVerifiesWithBothAlgorithms) {
  const Verifier v = verifier();
  for (const char* who : {"channel-app", "officer-console"}) {
    const json e = signed_by(who, kT0);
    const auto r = v.verify(e, kT0 + std::chrono::seconds(2));
    ASSERT_TRUE(std::holds_alternative<Principal>(r))
        << who << ": " << std::get<Refusal>(r).message;
    const auto& p = std::get<Principal>(r);
    EXPECT_EQ(p.name.str(), who);
    EXPECT_EQ(p.key_id, std::string(who) + "-1");
    EXPECT_EQ(e.at("keyid"), std::string(who) + "-1");
    // base64url without padding: 32 bytes -> 43 characters, 64 -> 86.
    EXPECT_EQ(e.at("signature").get<std::string>().size(),
              std::string(who) == "channel-app" ? 43U : 86U);
  }
  EXPECT_EQ(std::get<Principal>(v.verify(signed_by("officer-console", kT0), kT0)).role,
            Role::officer_console);
}

TEST_F(TrustTest, EveryAttributeAndTheDataAreCovered) {
  const Verifier v = verifier();
  for (const char* who : {"channel-app", "officer-console"}) {
    const json e = signed_by(who, kT0);
    for (auto it = e.begin(); it != e.end(); ++it) {
      if (it.key() == "signature" || it.key() == "keyid") continue;
      json changed = e;
      changed[it.key()] = it->is_string() ? json(it->get<std::string>() + "x") : json("x");
      EXPECT_EQ(refusal(v.verify(changed, kT0)), Errc::bad_signature) << who << " " << it.key();
      json removed = e;
      removed.erase(it.key());
      EXPECT_EQ(refusal(v.verify(removed, kT0)), Errc::bad_signature) << who << " " << it.key();
    }
    json data = e;
    data["data"]["image_ref"] = "s3://captures/reg-other/selfie-1.jpg";
    EXPECT_EQ(refusal(v.verify(data, kT0)), Errc::bad_signature) << who;
    json added = e;
    added["data"]["extra"] = 1;
    EXPECT_EQ(refusal(v.verify(added, kT0)), Errc::bad_signature) << who;
    json attribute = e;
    attribute["partitionkey"] = "x";
    EXPECT_EQ(refusal(v.verify(attribute, kT0)), Errc::bad_signature) << who;
    json sig = e;
    std::string s = sig["signature"];
    s[3] = s[3] == 'A' ? 'B' : 'A';
    sig["signature"] = s;
    EXPECT_EQ(refusal(v.verify(sig, kT0)), Errc::bad_signature) << who;
    json garbage = e;
    garbage["signature"] = "not base64url!";
    EXPECT_EQ(refusal(v.verify(garbage, kT0)), Errc::bad_signature) << who;
    // The same event under the other principal's key id: the key decides, not the claim.
    json other = e;
    other["keyid"] = std::string(who) == "channel-app" ? "officer-console-1" : "channel-app-1";
    EXPECT_EQ(refusal(v.verify(other, kT0)), Errc::bad_signature) << who;
  }
}

TEST_F(TrustTest, UnsignedAndUnknownKey) {
  const Verifier v = verifier();
  EXPECT_EQ(refusal(v.verify(command(kT0), kT0)), Errc::unsigned_message);
  json e = signed_by("channel-app", kT0);
  json no_sig = e;
  no_sig.erase("signature");
  EXPECT_EQ(refusal(v.verify(no_sig, kT0)), Errc::unsigned_message);
  json no_key = e;
  no_key.erase("keyid");
  EXPECT_EQ(refusal(v.verify(no_key, kT0)), Errc::unsigned_message);
  json number = e;
  number["keyid"] = 7;
  EXPECT_EQ(refusal(v.verify(number, kT0)), Errc::unsigned_message);
  EXPECT_EQ(refusal(v.verify(json::array(), kT0)), Errc::unsigned_message);
  for (const char* id : {"channel-app-2", "", "../channel-app-1", "channel-app-1\n"}) {
    json unknown = e;
    unknown["keyid"] = id;
    EXPECT_EQ(refusal(v.verify(unknown, kT0)), Errc::unknown_key) << id;
  }
}

TEST_F(TrustTest, KeyValidityIsJudgedAtTheBrokersTime) {
  trust_.keys[0].not_before = kT0;
  trust_.keys[0].not_after = kT0 + minutes(60);
  const Verifier v = verifier();
  const json e = signed_by("channel-app", kT0 + minutes(1));
  EXPECT_TRUE(std::holds_alternative<Principal>(v.verify(e, kT0 + minutes(1))));
  EXPECT_EQ(refusal(v.verify(e, kT0 - std::chrono::milliseconds(1))), Errc::key_not_valid);
  EXPECT_EQ(refusal(v.verify(e, kT0 + minutes(60) + std::chrono::milliseconds(1))),
            Errc::key_not_valid);
  // The signer refuses to use a key outside its validity.
  json late = command(kT0 + minutes(61));
  EXPECT_THROW(signer("channel-app", kT0 + minutes(61)).sign(late), Error);
}

TEST_F(TrustTest, RevokedKeyIsRefusedFromTheRevocationOn) {
  const json e = signed_by("officer-console", kT0);
  revoke(trust_, KeyId("officer-console-1"), kT0);
  EXPECT_EQ(refusal(verifier().verify(e, kT0)), Errc::revoked_key);
  // Appended before the revocation: still good (a replay of the log reaches the same states).
  EXPECT_TRUE(
      std::holds_alternative<Principal>(verifier().verify(e, kT0 - std::chrono::milliseconds(1))));
  // Revoked again later: the first time stands.
  revoke(trust_, KeyId("officer-console-1"), kT0 + minutes(1));
  EXPECT_EQ(trust_.key(KeyId("officer-console-1"))->revoked_at, kT0);
  EXPECT_THROW(revoke(trust_, KeyId("nobody-1"), kT0), Error);
  // A signer never uses a revoked key.
  EXPECT_THROW(signer("officer-console", kT0), Error);
}

TEST_F(TrustTest, StaleAndFutureTimesAreRefused) {
  const Verifier v = verifier();
  const json e = signed_by("channel-app", kT0);
  EXPECT_TRUE(std::holds_alternative<Principal>(v.verify(e, kT0 + minutes(5))));
  EXPECT_EQ(refusal(v.verify(e, kT0 + minutes(5) + std::chrono::milliseconds(1))),
            Errc::stale_message);
  EXPECT_EQ(refusal(v.verify(e, kT0 - minutes(6))), Errc::stale_message);
  const Verifier narrow(trust_, keys_of(nullptr, true), std::chrono::seconds(10));
  EXPECT_EQ(refusal(narrow.verify(e, kT0 + std::chrono::seconds(11))), Errc::stale_message);
  // The orchestrator's own timers and results may wait in the outbox past the window.
  trust_.principals.push_back(principal("enrollmentd", Role::orchestrator));
  add_key("enrollmentd", Alg::hmac_sha256, kT0 - minutes(60));
  const json own = signed_by("enrollmentd", kT0);
  EXPECT_TRUE(
      std::holds_alternative<Principal>(verifier().verify(own, kT0 + std::chrono::hours(2))));
  // Signed without a time (not through the Signer): refused once the signature checks out.
  json untimed = command(kT0);
  untimed.erase("time");
  untimed["keyid"] = "channel-app-1";
  const Signer app = signer("channel-app", kT0);
  const std::string mac = app.current_key(kT0).sign(crypto::canonical_json(untimed));
  untimed["signature"] = crypto::to_base64url(
      std::span(reinterpret_cast<const unsigned char*>(mac.data()), mac.size()));
  EXPECT_EQ(refusal(v.verify(untimed, kT0)), Errc::stale_message);
}

TEST_F(TrustTest, SignerSetsTheTimeWhenMissing) {
  json e = command(kT0);
  e.erase("time");
  signer("channel-app", kT0 + minutes(1)).sign(e);
  EXPECT_EQ(e.at("time"), to_rfc3339(kT0 + minutes(1)));
  EXPECT_TRUE(std::holds_alternative<Principal>(verifier().verify(e, kT0 + minutes(1))));
}

// Rotation: the new key signs from its start, the old one still verifies until the overlap
// ends (or it is revoked).
TEST_F(TrustTest, RotationKeepsTheOldKeyUntilItExpires) {
  const json old_signed = signed_by("channel-app", kT0);
  NewKey fresh = rotate(trust_, PrincipalName("channel-app"), kT0, std::chrono::hours(24));
  EXPECT_EQ(fresh.key.id.str(), "channel-app-2");
  // An id whose signing key file is left over is skipped.
  EXPECT_EQ(next_key_id(trust_, PrincipalName("channel-app"),
                        [](const KeyId& id) { return id.str() == "channel-app-3"; })
                .str(),
            "channel-app-4");
  EXPECT_EQ(fresh.key.alg, Alg::hmac_sha256);
  EXPECT_EQ(trust_.key(KeyId("channel-app-1"))->not_after, kT0 + std::chrono::hours(24));
  EXPECT_FALSE(trust_.key(KeyId("channel-app-2"))->not_after.has_value());
  secrets_.push_back(std::move(fresh));
  const Verifier v = verifier();

  const json new_signed = signed_by("channel-app", kT0 + minutes(1));
  EXPECT_EQ(new_signed.at("keyid"), "channel-app-2");  // the newest valid key signs
  for (const json* e : {&old_signed, &new_signed}) {
    EXPECT_TRUE(std::holds_alternative<Principal>(v.verify(*e, kT0 + minutes(1))));
  }
  // The old key after the overlap: refused, even for a fresh message.
  const Timestamp later = kT0 + std::chrono::hours(25);
  json old_late = command(later);
  const std::vector<SigningKey> app_keys = keys_of("channel-app");
  old_late["keyid"] = "channel-app-1";
  const std::string mac = app_keys.front().sign(crypto::canonical_json(old_late));
  old_late["signature"] = crypto::to_base64url(
      std::span(reinterpret_cast<const unsigned char*>(mac.data()), mac.size()));
  EXPECT_EQ(refusal(v.verify(old_late, later)), Errc::key_not_valid);
  EXPECT_TRUE(std::holds_alternative<Principal>(v.verify(signed_by("channel-app", later), later)));
  // Or revoked before that: refused at once.
  revoke(trust_, KeyId("channel-app-1"), kT0 + minutes(1));
  EXPECT_EQ(refusal(verifier().verify(old_signed, kT0 + minutes(1))), Errc::revoked_key);
  EXPECT_TRUE(std::holds_alternative<Principal>(verifier().verify(new_signed, kT0 + minutes(1))));
}

TEST_F(TrustTest, SignerPicksTheNewestKeyThatIsAlreadyValid) {
  add_key("channel-app", Alg::hmac_sha256, kT0 + minutes(30));  // channel-app-2, not yet
  EXPECT_EQ(signer("channel-app", kT0).current_key(kT0).key().id.str(), "channel-app-1");
  EXPECT_EQ(signer("channel-app", kT0 + minutes(30)).current_key(kT0 + minutes(30)).key().id.str(),
            "channel-app-2");
}

TEST_F(TrustTest, SigningKeysMustBeThePrincipals) {
  EXPECT_THROW(Signer(PrincipalName("officer-console"), keys_of("channel-app")), Error);
  EXPECT_THROW(Signer(PrincipalName("channel-app"), {}), Error);
  // An HMAC secret of the wrong size, an Ed25519 secret of another pair.
  EXPECT_THROW(SigningKey(trust_.keys[0], SecretString(std::string(31, 'k'))), Error);
  NewKey stranger = generate_key(KeyId("x-1"), PrincipalName("officer-console"), Alg::ed25519, kT0);
  EXPECT_THROW(SigningKey(trust_.keys[1], SecretString(std::string(stranger.secret.view()))),
               Error);
}

// The key folder: trust.json and signing/<id>.key as enroll-keygen writes them, read back by
// Signer::load and Verifier::load.
class TrustFolderTest : public TrustTest {
 protected:
  void SetUp() override {
    TrustTest::SetUp();
    dir_ = fs::temp_directory_path() / ("enroll-trust-test-" + std::to_string(::getpid()) + "-" +
                                        std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
    write_trust_file(dir_, trust_);
    for (const auto& s : secrets_) write_signing_key(dir_, s.key.id, s.secret);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(TrustFolderTest, LoadsWhatItWrote) {
  EXPECT_EQ(fs::status(dir_ / "signing" / "channel-app-1.key").permissions(),
            fs::perms::owner_read | fs::perms::owner_write);
  const Verifier v = Verifier::load(dir_);
  for (const char* who : {"channel-app", "officer-console"}) {
    json e = command(kT0);
    Signer::load(dir_, PrincipalName(who), [] { return kT0; }).sign(e);
    EXPECT_TRUE(std::holds_alternative<Principal>(v.verify(e, kT0))) << who;
  }
  EXPECT_EQ(v.trust().principals.size(), 2U);
  EXPECT_THROW((void)Signer::load(dir_, PrincipalName("nobody")), Error);
}

TEST_F(TrustFolderTest, RefusesASigningKeyOthersCanRead) {
  fs::permissions(dir_ / "signing" / "channel-app-1.key", fs::perms::group_read,
                  fs::perm_options::add);
  EXPECT_THROW((void)Verifier::load(dir_), KeysError);
  EXPECT_THROW((void)Signer::load(dir_, PrincipalName("channel-app")), KeysError);
}

TEST_F(TrustFolderTest, VerifierNeedsEveryHmacSecret) {
  fs::remove(dir_ / "signing" / "channel-app-1.key");
  try {
    (void)Verifier::load(dir_);
    ADD_FAILURE() << "loaded without channel-app-1's secret";
  } catch (const KeysError& e) {
    EXPECT_NE(std::string(e.what()).find("channel-app-1.key"), std::string::npos) << e.what();
  }
  // An Ed25519 key needs only its public half in the trust file.
  fs::remove(dir_ / "signing" / "officer-console-1.key");
  revoke(trust_, KeyId("channel-app-1"), kT0);
  write_trust_file(dir_, trust_);
  EXPECT_NO_THROW((void)Verifier::load(dir_));
}

TEST_F(TrustFolderTest, RefusesAWrongSizedOrForeignSecret) {
  write_signing_key(dir_, KeyId("channel-app-1"), SecretString(std::string(16, 'k')), true);
  EXPECT_THROW((void)Verifier::load(dir_), KeysError);
  NewKey stranger = generate_key(KeyId("x-1"), PrincipalName("officer-console"), Alg::ed25519, kT0);
  write_signing_key(dir_, KeyId("officer-console-1"), stranger.secret, true);
  EXPECT_THROW((void)Signer::load(dir_, PrincipalName("officer-console")), KeysError);
}

}  // namespace
}  // namespace enroll::trust

namespace enroll::trust {
namespace {

// What enroll-keygen writes by default: every producer of the tree has a principal, each
// connector the task schemas name with exactly its tasks, and the file reads back.
TEST(DefaultPrincipalsTest, CoverEveryProducerAndTask) {
  const auto tasks = codec::known_tasks();
  const auto defaults = default_principals(tasks);
  std::map<std::string, const DefaultPrincipal*> by_name;
  for (const auto& d : defaults) by_name[d.principal.name.str()] = &d;
  for (const char* name : {"channel-app", "channel-kiosk", "officer-console", "connector-capture",
                           "connector-registry", "operator-api", "enrollmentd"}) {
    EXPECT_EQ(by_name.count(name), 1U) << name;
  }
  // The officer's tasks are the console's: the review decision is signed by it.
  EXPECT_EQ(by_name.count("connector-officer"), 0U);
  EXPECT_EQ(by_name.at("officer-console")->principal.role, Role::officer_console);
  EXPECT_EQ(by_name.at("officer-console")->alg, Alg::ed25519);
  EXPECT_EQ(by_name.at("operator-api")->alg, Alg::ed25519);
  EXPECT_EQ(by_name.at("channel-app")->alg, Alg::hmac_sha256);
  EXPECT_EQ(by_name.at("enrollmentd")->principal.role, Role::orchestrator);
  for (const auto& [task, connector] : tasks) {
    const std::string owner = connector == "orchestrator" ? "enrollmentd"
                              : connector == "officer"    ? "officer-console"
                                                          : "connector-" + connector;
    const auto& owned = by_name.at(owner)->principal.tasks;
    EXPECT_NE(std::find(owned.begin(), owned.end(), task), owned.end()) << task;
  }
  NewTrust fresh = new_trust(defaults, kT0);
  ASSERT_EQ(fresh.secrets.size(), fresh.trust.keys.size());
  const TrustFile again = parse_trust_file(trust_file_text(fresh.trust), "trust.json");
  EXPECT_EQ(again.keys.size(), defaults.size());
  EXPECT_EQ(again.key(KeyId("operator-api-1"))->alg, Alg::ed25519);
  // Every key works with its secret.
  for (std::size_t i = 0; i < fresh.trust.keys.size(); ++i) {
    EXPECT_NO_THROW(
        SigningKey(fresh.trust.keys[i], SecretString(std::string(fresh.secrets[i].view()))));
  }
}

// enroll-keygen --high-volume-alg ed25519 (ops/bench --signing ed25519): the high-volume
// principals sign with Ed25519 too; the officer and operator sides stay Ed25519 either way.
TEST(DefaultPrincipalsTest, HighVolumeAlgorithmIsAChoice) {
  const auto defaults = default_principals(codec::known_tasks(), Alg::ed25519);
  for (const auto& d : defaults) EXPECT_EQ(d.alg, Alg::ed25519) << d.principal.name.str();
  std::map<std::string, Alg> hmac;
  for (const auto& d : default_principals(codec::known_tasks())) {
    hmac.emplace(d.principal.name.str(), d.alg);
  }
  EXPECT_EQ(hmac.at("enrollmentd"), Alg::hmac_sha256);
  EXPECT_EQ(hmac.at("connector-capture"), Alg::hmac_sha256);
  EXPECT_EQ(hmac.at("channel-kiosk"), Alg::hmac_sha256);
  EXPECT_EQ(hmac.at("officer-console"), Alg::ed25519);
  EXPECT_EQ(hmac.at("operator-api"), Alg::ed25519);
}

}  // namespace
}  // namespace enroll::trust
