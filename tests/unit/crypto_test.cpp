#include <gtest/gtest.h>
#include <sodium.h>

#include <string>
#include <vector>

#include "errors/errc.hpp"
#include "workflows/crypto/base64.hpp"
#include "workflows/crypto/hashing.hpp"
#include "workflows/crypto/passcode_verifier.hpp"
#include "workflows/crypto/sealed_box.hpp"
#include "workflows/secret.hpp"

namespace enroll::crypto {
namespace {

std::vector<unsigned char> bytes_of(std::string_view text) { return {text.begin(), text.end()}; }

// Cheap Argon2id cost so the tests stay fast; the defaults are exercised once below.
const PasscodeHashParams kFast{.opslimit = 1, .memlimit = 64 * 1024};
constexpr std::array<unsigned char, 16> kSalt{1, 2,  3,  4,  5,  6,  7,  8,
                                              9, 10, 11, 12, 13, 14, 15, 16};

TEST(SecretString, HoldsTheValueAndEmptiesTheMovedFrom) {
  SecretString a(std::string("13572468"));
  EXPECT_EQ(a.view(), "13572468");
  EXPECT_EQ(a.size(), 8u);
  SecretString b(std::move(a));
  EXPECT_EQ(b.view(), "13572468");
  EXPECT_TRUE(a.view().empty());  // NOLINT(bugprone-use-after-move): checking the wipe
  SecretString c(std::string(100, '7'));
  c = std::move(b);
  EXPECT_EQ(c.view(), "13572468");
  EXPECT_TRUE(b.view().empty());  // NOLINT(bugprone-use-after-move)
}

TEST(SecretString, SecureWipeZeroesAndEmpties) {
  std::string s = "a secret that is longer than the small-string buffer";
  secure_wipe(s);
  EXPECT_TRUE(s.empty());
}

TEST(Base64, KnownVectorsRoundTrip) {
  EXPECT_EQ(to_base64(bytes_of("")), "");
  EXPECT_EQ(to_base64(bytes_of("fo")), "Zm8=");
  EXPECT_EQ(to_base64(bytes_of("foobar")), "Zm9vYmFy");
  EXPECT_EQ(from_base64("Zm9vYmE="), bytes_of("fooba"));
  EXPECT_EQ(from_base64(""), bytes_of(""));
  const std::vector<unsigned char> all = [] {
    std::vector<unsigned char> v;
    for (int i = 0; i < 256; ++i) v.push_back(static_cast<unsigned char>(i));
    return v;
  }();
  EXPECT_EQ(from_base64(to_base64(all)), all);
}

TEST(Base64, RejectsMalformedText) {
  EXPECT_EQ(from_base64("Zm8"), std::nullopt);    // padding required
  EXPECT_EQ(from_base64("Zm8=x"), std::nullopt);  // trailing garbage
  EXPECT_EQ(from_base64("Zm-_"), std::nullopt);   // url-safe alphabet
  EXPECT_EQ(from_base64("Zm 8="), std::nullopt);  // no whitespace
  EXPECT_EQ(from_base64("!!!!"), std::nullopt);
}

TEST(SealedBox, RoundTrip) {
  const SealKeyPair keys = generate_seal_keypair();
  const std::string box = seal("13572468", keys.pub);
  EXPECT_EQ(from_base64(box)->size(), crypto_box_SEALBYTES + 8);
  const auto opened = open_sealed(box, keys);
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(opened->view(), "13572468");
  // Sealing is randomised: the same passcode never gives the same box.
  EXPECT_NE(seal("13572468", keys.pub), box);
}

TEST(SealedBox, TamperedOrForeignBoxesDoNotOpen) {
  const SealKeyPair keys = generate_seal_keypair();
  const std::string box = seal("13572468", keys.pub);
  auto raw = *from_base64(box);
  for (std::size_t i : {std::size_t{0}, raw.size() / 2, raw.size() - 1}) {
    auto tampered = raw;
    tampered[i] ^= 0x01;
    EXPECT_FALSE(open_sealed(to_base64(tampered), keys).has_value()) << "byte " << i;
  }
  EXPECT_FALSE(open_sealed(box, generate_seal_keypair()).has_value());
  EXPECT_FALSE(open_sealed("not base64!", keys).has_value());
  EXPECT_FALSE(open_sealed(to_base64(std::vector<unsigned char>(crypto_box_SEALBYTES - 1)), keys)
                   .has_value());
  EXPECT_FALSE(open_sealed("", keys).has_value());
}

// Issue 15: the sealed plaintext names the registration and step, so a box copied from the log
// cannot be replayed elsewhere; the form is one line each, after a header.
TEST(SealedBox, APasscodeIsSealedBoundToItsRegistrationAndStep) {
  const SealKeyPair keys = generate_seal_keypair();
  const auto opened =
      open_sealed_passcode(seal_passcode("reg-7", "set-passcode", "13572468", keys.pub), keys);
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(opened->registration, "reg-7");
  EXPECT_EQ(opened->step, "set-passcode");
  EXPECT_EQ(opened->passcode.view(), "13572468");
  // What a channel back-end in another language seals: the same bytes.
  const auto by_hand = open_sealed_passcode(
      seal("enroll-passcode-v1\nreg-7\nconfirm-consent\n24681357", keys.pub), keys);
  ASSERT_TRUE(by_hand.has_value());
  EXPECT_EQ(by_hand->step, "confirm-consent");
  EXPECT_EQ(by_hand->passcode.view(), "24681357");
}

TEST(SealedBox, AnUnboundOrMalformedPlaintextIsNoPasscode) {
  const SealKeyPair keys = generate_seal_keypair();
  for (const char* plain :
       {"13572468",  // the form before issue 15: bound to nothing
        "enroll-passcode-v2\nreg-7\nset-passcode\n13572468",
        "enroll-passcode-v1\n\nset-passcode\n13572468", "enroll-passcode-v1\nreg-7\n\n13572468",
        "enroll-passcode-v1\nreg-7\nset-passcode\n", "enroll-passcode-v1\nreg-7\nset-passcode"}) {
    EXPECT_FALSE(open_sealed_passcode(seal(plain, keys.pub), keys).has_value()) << plain;
  }
  EXPECT_FALSE(open_sealed_passcode(
                   seal("enroll-passcode-v1\n" + std::string(129, 'r') + "\ns\n1", keys.pub), keys)
                   .has_value());
  EXPECT_THROW(seal_passcode("reg\n7", "s", "1", keys.pub), Error);
  EXPECT_THROW(seal_passcode("reg-7", "", "1", keys.pub), Error);
}

TEST(PasscodeVerifier, IsAPhcStringThatLibsodiumVerifies) {
  const SecretString passcode(std::string("13572468"));
  const std::string verifier = make_passcode_verifier(passcode, kSalt, kFast);
  EXPECT_EQ(verifier.rfind("$argon2id$v=19$m=64,t=1,p=1$AQIDBAUGBwgJCgsMDQ4PEA$", 0), 0u)
      << verifier;
  EXPECT_EQ(crypto_pwhash_str_verify(verifier.c_str(), "13572468", 8), 0);
  EXPECT_NE(crypto_pwhash_str_verify(verifier.c_str(), "13572469", 8), 0);
  // The parameters are encoded the way libsodium reads them.
  EXPECT_EQ(crypto_pwhash_str_needs_rehash(verifier.c_str(), kFast.opslimit, kFast.memlimit), 0);
  EXPECT_TRUE(verify_passcode(verifier, passcode, nullptr));
  EXPECT_FALSE(verify_passcode(verifier, SecretString(std::string("13572469")), nullptr));
  EXPECT_FALSE(verify_passcode(verifier, SecretString(std::string("")), nullptr));
  EXPECT_FALSE(verify_passcode("not a verifier", passcode, nullptr));
  EXPECT_FALSE(verify_passcode("", passcode, nullptr));
  EXPECT_EQ(pepper_of(verifier), "");
}

// Issue 15: the verifier is keyed by a pepper from the key folder: Argon2id over
// HMAC-SHA-256(pepper, passcode), the pepper's id in front. Without the pepper, the stored string
// is useless to an offline search: libsodium's verify of the plain passcode fails.
TEST(PasscodeVerifier, APepperedVerifierNeedsThePepperItNames) {
  const std::array<unsigned char, 32> one{1}, two{2};
  const Peppers first{{"passcode_pepper-1", one}};
  const Peppers rotated{{"passcode_pepper-1", one}, {"passcode_pepper-2", two}};
  const Peppers retired{{"passcode_pepper-2", two}};
  const SecretString passcode(std::string("13572468"));
  PasscodeHashParams params = kFast;
  params.peppers = &first;
  const std::string verifier = make_passcode_verifier(passcode, kSalt, params);
  EXPECT_EQ(verifier.rfind("pepper:passcode_pepper-1:$argon2id$v=19$m=64,t=1,p=1$", 0), 0u)
      << verifier;
  EXPECT_EQ(pepper_of(verifier), "passcode_pepper-1");
  const std::string phc = verifier.substr(verifier.find('$'));
  EXPECT_NE(crypto_pwhash_str_verify(phc.c_str(), "13572468", 8), 0);  // the pepper is needed
  // The same input over HMAC-SHA-256(pepper, passcode) is what libsodium verifies.
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> keyed{};
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, one.data(), one.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>("13572468"), 8);
  crypto_auth_hmacsha256_final(&st, keyed.data());
  EXPECT_EQ(crypto_pwhash_str_verify(phc.c_str(), reinterpret_cast<const char*>(keyed.data()),
                                     keyed.size()),
            0);

  EXPECT_TRUE(verify_passcode(verifier, passcode, &first));
  EXPECT_FALSE(verify_passcode(verifier, SecretString(std::string("13572469")), &first));
  // A rotation: new verifiers take the current version, older ones still verify with theirs.
  EXPECT_TRUE(verify_passcode(verifier, passcode, &rotated));
  params.peppers = &rotated;
  const std::string newer = make_passcode_verifier(passcode, kSalt, params);
  EXPECT_EQ(pepper_of(newer), "passcode_pepper-2");
  EXPECT_TRUE(verify_passcode(newer, passcode, &rotated));
  // A retired version, a missing ring, another pepper under the same id: no match.
  EXPECT_FALSE(verify_passcode(verifier, passcode, &retired));
  EXPECT_FALSE(verify_passcode(verifier, passcode, nullptr));
  const Peppers swapped{{"passcode_pepper-1", two}};
  EXPECT_FALSE(verify_passcode(verifier, passcode, &swapped));
  // An unpeppered verifier (made before issue 15) still verifies, peppers or not.
  EXPECT_TRUE(verify_passcode(make_passcode_verifier(passcode, kSalt, kFast), passcode, &rotated));
}

TEST(PasscodeVerifier, TheOwaspFloor) {
  const auto cost = [](std::size_t kib, unsigned long long passes) {
    return PasscodeHashParams{.opslimit = passes, .memlimit = kib * 1024};
  };
  EXPECT_TRUE(meets_owasp_floor(cost(19456, 2)));  // the defaults
  EXPECT_TRUE(meets_owasp_floor(cost(47104, 1)));
  EXPECT_TRUE(meets_owasp_floor(cost(7168, 5)));
  EXPECT_TRUE(meets_owasp_floor(cost(65536, 3)));
  EXPECT_FALSE(meets_owasp_floor(cost(19455, 2)));
  EXPECT_FALSE(meets_owasp_floor(cost(46000, 1)));
  EXPECT_FALSE(meets_owasp_floor(cost(8, 1)));  // the 1 pass / 8 KiB
  EXPECT_FALSE(meets_owasp_floor(cost(7168, 4)));
}

TEST(PasscodeVerifier, DeterministicForTheSameSalt) {
  const SecretString passcode(std::string("13572468"));
  const std::string a = make_passcode_verifier(passcode, kSalt, kFast);
  EXPECT_EQ(make_passcode_verifier(passcode, kSalt, kFast), a);
  auto other_salt = kSalt;
  other_salt[0] ^= 0xff;
  EXPECT_NE(make_passcode_verifier(passcode, other_salt, kFast), a);
  EXPECT_NE(make_passcode_verifier(SecretString(std::string("13572469")), kSalt, kFast), a);
}

TEST(PasscodeVerifier, DefaultParameters) {
  const SecretString passcode(std::string("24681357"));
  const PasscodeHashParams defaults;
  const std::string verifier = make_passcode_verifier(passcode, kSalt, defaults);
  EXPECT_EQ(verifier.rfind("$argon2id$v=19$m=16384,t=2,p=1$", 0), 0u) << verifier;
  EXPECT_EQ(crypto_pwhash_str_verify(verifier.c_str(), "24681357", 8), 0);
}

TEST(PasscodeVerifier, RefusesParametersOutsideLibsodiumLimits) {
  const SecretString passcode(std::string("13572468"));
  EXPECT_THROW(make_passcode_verifier(passcode, kSalt, {.opslimit = 0, .memlimit = 64 * 1024}),
               Error);
  EXPECT_THROW(make_passcode_verifier(passcode, kSalt, {.opslimit = 1, .memlimit = 1024}), Error);
}

TEST(DeriveSalt, KeyedAndDeterministic) {
  const std::vector<unsigned char> key(32, 0x42);
  const auto salt = derive_salt(key, "reg-1");
  EXPECT_EQ(derive_salt(key, "reg-1"), salt);
  EXPECT_NE(derive_salt(key, "reg-2"), salt);
  EXPECT_NE(derive_salt(std::vector<unsigned char>(32, 0x43), "reg-1"), salt);
  // The definition: the first 16 bytes of the 32-byte keyed BLAKE2b.
  std::array<unsigned char, crypto_generichash_BYTES> full{};
  crypto_generichash(full.data(), full.size(), reinterpret_cast<const unsigned char*>("reg-1"), 5,
                     key.data(), key.size());
  EXPECT_TRUE(std::equal(salt.begin(), salt.end(), full.begin()));
  EXPECT_THROW(derive_salt(std::vector<unsigned char>(8), "x"), Error);
  EXPECT_THROW(derive_salt(std::vector<unsigned char>(65), "x"), Error);
}

TEST(Hashing, Sha256KnownVectors) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Hashing, HmacSha256Rfc4231Vectors) {
  // Test case 1.
  EXPECT_EQ(keyed_hash_hex(std::vector<unsigned char>(20, 0x0b), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  // Test case 2.
  EXPECT_EQ(keyed_hash_hex(bytes_of("Jefe"), "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_THROW(keyed_hash_hex({}, "x"), Error);
}

TEST(Hashing, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("token", "token"));
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_FALSE(constant_time_equal("token", "tokeN"));
  EXPECT_FALSE(constant_time_equal("token", "token2"));
  EXPECT_FALSE(constant_time_equal("", "x"));
}

}  // namespace
}  // namespace enroll::crypto
