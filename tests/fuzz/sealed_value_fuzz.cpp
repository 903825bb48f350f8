// A sealed value as Redis hands it back (an outbox entry: seal_binary's bytes since issue 16,
// seal()'s enc:<key id>:<base64url> text before) on hostile bytes, through FieldCipher::open,
// which Store::pending_outbox calls for the relay: it throws nothing but FieldCipherError, and
// the key id it names lies inside the value. The same bytes as a plaintext seal both ways and
// open to themselves, and either form cut short is refused.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tests/fuzz/fuzz_check.hpp"
#include "workflows/crypto/field_cipher.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using enroll::crypto::FieldCipher;
  using enroll::crypto::FieldCipherError;
  static const std::vector<unsigned char> key(enroll::crypto::kFieldKeyBytes, 5);
  static const FieldCipher cipher({enroll::crypto::FieldKey{"field-1", key}});
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);  // NOLINT
  const std::string place = "outbox/enroll.tasks/reg-1";

  const std::string_view id = FieldCipher::key_id_of(bytes);
  if (!id.empty() && (id.data() < bytes.data() || id.data() + id.size() > bytes.data() + size)) {
    enroll::fuzz::fail("a key id outside the value");
  }
  try {
    (void)cipher.open(bytes, place);  // a forgery cannot open: this reaches the refusals
  } catch (const FieldCipherError&) {
  }

  for (const std::string& sealed : {cipher.seal_binary(bytes, place), cipher.seal(bytes, place)}) {
    if (!FieldCipher::is_sealed(sealed)) enroll::fuzz::fail("a sealed value not seen as one");
    if (cipher.open(sealed, place) != bytes) enroll::fuzz::fail("opens to other bytes");
    const std::string cut = sealed.substr(0, sealed.size() - 1 - size % 8);
    try {
      (void)cipher.open(cut, place);
      enroll::fuzz::fail("a value cut short opened");
    } catch (const FieldCipherError&) {
    }
  }
  return 0;
}
