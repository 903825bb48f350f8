// The trust file's parser (adapters/trust/trust_file.hpp) on hostile bytes: it either reads a
// trust file or refuses with a TrustFileError; what it reads, written again, reads back to the
// same text, and every key names a declared principal.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "adapters/trust/trust_file.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace enroll::trust;
  const std::string_view text(reinterpret_cast<const char*>(data), size);  // NOLINT
  TrustFile trust;
  try {
    trust = parse_trust_file(text, "trust.json");
  } catch (const TrustFileError&) {
    return 0;
  }
  for (const auto& k : trust.keys) {
    if (trust.principal(k.principal) == nullptr) enroll::fuzz::fail("a key of no principal");
    if (!valid_name(k.id.str())) enroll::fuzz::fail("a key id that is no name");
    if (k.not_after && !(k.not_before < *k.not_after)) enroll::fuzz::fail("an empty validity");
  }
  const std::string once = trust_file_text(trust);
  try {
    if (trust_file_text(parse_trust_file(once, "trust.json")) != once) {
      enroll::fuzz::fail("the written file does not read back to itself");
    }
  } catch (const TrustFileError& e) {
    enroll::fuzz::fail(std::string("the written file is refused: ") + e.what());
  }
  return 0;
}
