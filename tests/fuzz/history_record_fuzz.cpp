// A history record as Redis stores it (hist:<id>, codec/history_line.hpp's compact line or an older
// whole record) on hostile bytes, through history_record_json (adapters/redis/history_record.hpp),
// which the HTTP API parses for GET /v1/registrations/{id}/history: it never throws, and what
// it returns is always JSON, a record with an integer seq or one marked malformed.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "adapters/redis/history_record.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using nlohmann::json;
  const std::string_view stored(reinterpret_cast<const char*>(data), size);  // NOLINT
  const std::string out = enroll::redis::history_record_json(stored, "reg-1");
  if (!json::accept(out)) enroll::fuzz::fail("not JSON: " + out.substr(0, 200));
  const json r = json::parse(out);
  if (!r.is_object()) enroll::fuzz::fail("not an object");
  const bool whole = !stored.empty() && stored.front() == '{';
  if (!whole && !r.contains("malformed") && !r["seq"].is_number_integer()) {
    enroll::fuzz::fail("a compact record without an integer seq");
  }
  return 0;
}
