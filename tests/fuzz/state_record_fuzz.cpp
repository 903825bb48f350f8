// A stored state's bytes as Redis hands them back (the binary form, or JSON written before
// issue 16), through state_from_record, which Store::load, the read model and enrollctl rekey
// call: it throws nothing but StateDecodeError, and what it decodes writes out (binary, in the
// clear) and reads back to the same state, byte for byte on a second write.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tests/fuzz/fuzz_check.hpp"
#include "workflows/crypto/field_cipher.hpp"
#include "workflows/state.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace enroll;
  // A key, so that sealed sections take the opening path (the fuzzer cannot forge one that
  // opens: it reaches the refusals); records in the clear are read with or without one.
  static const std::vector<unsigned char> key(crypto::kFieldKeyBytes, 3);
  static const crypto::FieldCipher cipher({crypto::FieldKey{"field-1", key}});
  const std::string_view record(reinterpret_cast<const char*>(data), size);  // NOLINT
  Registration s;
  try {
    s = state_from_record(record, &cipher);
  } catch (const StateDecodeError&) {
    return 0;
  }
  const std::string written = state_to_record(s, nullptr);
  Registration again;
  try {
    again = state_from_record(written, nullptr);
  } catch (const StateDecodeError& e) {
    fuzz::fail(std::string("a state written by this code does not read back: ") + e.what());
  }
  if (state_to_record(again, nullptr) != written) fuzz::fail("a second write differs");
  if (state_to_json(again) != state_to_json(s)) fuzz::fail("read back as another state");
  if (!state_record_sealing_key(written).empty()) fuzz::fail("sealed without a cipher");
  return 0;
}
