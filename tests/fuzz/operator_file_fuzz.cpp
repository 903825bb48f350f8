// The operator file's parser (adapters/trust/operator_file.hpp) on hostile bytes: it either
// reads an operator file or refuses with a TrustFileError; what it reads has distinct valid
// ids and distinct well-formed hashes, no revocation before its creation, and written again
// reads back to the same text.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string_view>

#include "adapters/trust/operator_file.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace enroll::trust;
  const std::string_view text(reinterpret_cast<const char*>(data), size);  // NOLINT
  OperatorFile file;
  try {
    file = parse_operator_file(text, "operators.json");
  } catch (const TrustFileError&) {
    return 0;
  }
  std::set<std::string> ids;
  std::set<std::string> hashes;
  for (const auto& e : file.operators) {
    if (!valid_name(e.id.str())) enroll::fuzz::fail("an operator id that is no name");
    if (!ids.insert(e.id.str()).second) enroll::fuzz::fail("an operator id twice");
    if (e.token_sha256.size() != kTokenHashHexChars) enroll::fuzz::fail("a hash of another size");
    if (!hashes.insert(e.token_sha256).second) enroll::fuzz::fail("one token for two operators");
    if (e.revoked_at && *e.revoked_at < e.created_at) enroll::fuzz::fail("revoked before made");
  }
  const std::string once = operator_file_text(file);
  try {
    if (operator_file_text(parse_operator_file(once, "operators.json")) != once) {
      enroll::fuzz::fail("the written file does not read back to itself");
    }
  } catch (const TrustFileError& e) {
    enroll::fuzz::fail(std::string("the written file is refused: ") + e.what());
  }
  return 0;
}
