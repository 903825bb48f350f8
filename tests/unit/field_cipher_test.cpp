// Personal fields sealed at rest: a sealed value opens only in its place and under a kept key;
// seal_remembered gives byte for byte what seal gives (sealing is deterministic), for the
// current plaintext of each place, and never mixes two ciphers.
#include "workflows/crypto/field_cipher.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace enroll::crypto {
namespace {

std::vector<unsigned char> key_bytes(unsigned char fill) {
  return std::vector<unsigned char>(kFieldKeyBytes, fill);
}

TEST(FieldCipherTest, ASealedValueOpensInItsPlaceOnly) {
  const auto k = key_bytes(1);
  const FieldCipher cipher({FieldKey{"field-1", k}});
  const std::string sealed = cipher.seal("1101700230708", "reg-1/citizen_id");
  EXPECT_TRUE(FieldCipher::is_sealed(sealed));
  EXPECT_EQ(FieldCipher::key_id_of(sealed), "field-1");
  EXPECT_EQ(sealed.find("1101700230708"), std::string::npos);
  EXPECT_EQ(cipher.open(sealed, "reg-1/citizen_id"), "1101700230708");
  EXPECT_THROW((void)cipher.open(sealed, "reg-2/citizen_id"), FieldCipherError);
  // Deterministic: the same value in the same place seals to the same bytes.
  EXPECT_EQ(cipher.seal("1101700230708", "reg-1/citizen_id"), sealed);
}

TEST(FieldCipherTest, SealRememberedIsSealForTheCurrentPlaintextOfEachPlace) {
  const auto k = key_bytes(2);
  const FieldCipher cipher({FieldKey{"field-1", k}});
  const std::string first = cipher.seal_remembered("Somchai", "reg-1/first_name");
  EXPECT_EQ(first, cipher.seal("Somchai", "reg-1/first_name"));
  EXPECT_EQ(cipher.seal_remembered("Somchai", "reg-1/first_name"), first);
  // A changed value is sealed anew, and opens to the new value.
  const std::string changed = cipher.seal_remembered("Somsak", "reg-1/first_name");
  EXPECT_NE(changed, first);
  EXPECT_EQ(cipher.open(changed, "reg-1/first_name"), "Somsak");
  // Another place with the same value is its own.
  EXPECT_EQ(cipher.seal_remembered("Somsak", "reg-2/first_name"),
            cipher.seal("Somsak", "reg-2/first_name"));
}

TEST(FieldCipherTest, TwoCiphersNeverShareRememberedValues) {
  // The same key id and place, other key bytes (a test's folder, a rotation done twice).
  const auto k1 = key_bytes(3);
  const auto k2 = key_bytes(4);
  const FieldCipher one({FieldKey{"field-1", k1}});
  const FieldCipher two({FieldKey{"field-1", k2}});
  const std::string a = one.seal_remembered("Jaidee", "reg-1/last_name");
  const std::string b = two.seal_remembered("Jaidee", "reg-1/last_name");
  EXPECT_NE(a, b);
  EXPECT_EQ(two.open(b, "reg-1/last_name"), "Jaidee");
  EXPECT_THROW((void)two.open(a, "reg-1/last_name"), FieldCipherError);
}

TEST(FieldCipherTest, TheCurrentKeySealsAndEveryKeptKeyOpens) {
  const auto k1 = key_bytes(5);
  const auto k2 = key_bytes(6);
  const FieldCipher old_only({FieldKey{"field-1", k1}});
  const FieldCipher rotated({FieldKey{"field-1", k1}, FieldKey{"field-2", k2}});
  const std::string before = old_only.seal("JT1234567890", "reg-1/laser_code");
  EXPECT_EQ(rotated.open(before, "reg-1/laser_code"), "JT1234567890");
  EXPECT_EQ(FieldCipher::key_id_of(rotated.seal_remembered("JT1234567890", "reg-1/laser_code")),
            "field-2");
}

// The outbox's form: the same sealing as bytes, opened by open() beside the text form, and
// refused whole when cut, moved or under a key the folder does not hold.
TEST(FieldCipherTest, TheBinaryFormOpensLikeTheTextForm) {
  const auto k1 = key_bytes(7);
  const auto k2 = key_bytes(8);
  const FieldCipher cipher({FieldKey{"field-1", k1}, FieldKey{"field-2", k2}});
  const std::string message = R"({"type":"task.request","citizen_id":"1101700230708"})";
  const std::string place = "outbox/enroll.tasks/reg-1";
  const std::string binary = cipher.seal_binary(message, place);
  const std::string text = cipher.seal(message, place);
  EXPECT_TRUE(FieldCipher::is_sealed(binary));
  EXPECT_EQ(binary.front(), kSealedBinaryMarker);
  EXPECT_EQ(FieldCipher::key_id_of(binary), "field-2");
  EXPECT_EQ(binary.find("1101700230708"), std::string::npos);
  EXPECT_EQ(cipher.open(binary, place), message);
  EXPECT_EQ(cipher.open(text, place), message);
  // The same box under both forms; the binary one without base64's third.
  EXPECT_EQ(binary.size(), 2 + std::string("field-2").size() + 24 + message.size() + 16);
  EXPECT_LT(binary.size(), text.size());
  EXPECT_THROW((void)cipher.open(binary, "outbox/enroll.tasks/reg-2"), FieldCipherError);
  // Cut anywhere, one bit changed, or an id longer than what follows: refused, never read past.
  for (std::size_t n = 0; n < binary.size(); ++n) {
    EXPECT_THROW((void)cipher.open(binary.substr(0, n), place), FieldCipherError) << n;
  }
  std::string flipped = binary;
  flipped.back() = static_cast<char>(flipped.back() ^ 1);
  EXPECT_THROW((void)cipher.open(flipped, place), FieldCipherError);
  std::string long_id = binary;
  long_id[1] = static_cast<char>(200);
  EXPECT_EQ(FieldCipher::key_id_of(long_id), "");
  EXPECT_THROW((void)cipher.open(long_id, place), FieldCipherError);
  // Another folder without field-2 names the key.
  const FieldCipher old_only({FieldKey{"field-1", k1}});
  EXPECT_THROW((void)old_only.open(binary, place), FieldCipherError);
}

}  // namespace
}  // namespace enroll::crypto
