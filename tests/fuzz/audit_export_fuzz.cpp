// The offline audit verifier (workflows/audit_chain.hpp, audit_checkpoint.hpp) on a hostile
// export: the bytes are its lines (one CloudEvent each, as enrollctl audit verify --file reads
// them), verified with the public half of a checkpoint key from a fixed seed (so a corpus can
// hold checkpoints that verify). Fails on a throw, on more records and checkpoints counted than
// events given, and on an export called intact while a finding or broken chain is reported.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "tests/fuzz/audit_export_key.hpp"
#include "tests/fuzz/fuzz_check.hpp"
#include "workflows/audit_chain.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace enroll;
  if (size > 256 * 1024) return 0;
  const CheckpointPublicKey& key = fuzz::audit_export_key().pub;
  std::vector<nlohmann::json> events;
  std::string_view text(reinterpret_cast<const char*>(data), size);  // NOLINT
  while (!text.empty()) {
    const auto end = text.find('\n');
    const auto line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    auto e = nlohmann::json::parse(line, nullptr, false);
    if (!e.is_discarded()) events.push_back(std::move(e));
  }
  try {
    const auto report = verify_trail(events, std::span<const CheckpointPublicKey>(&key, 1));
    if (report.records + report.checkpoints > events.size()) {
      fuzz::fail("more records and checkpoints than events");
    }
    if (report.ok() != (report.broken.empty() && report.findings.empty())) {
      fuzz::fail("ok() disagrees with what was found");
    }
    (void)verify_trail(events);  // without keys: checkpoints skipped
  } catch (const std::exception& e) {
    fuzz::fail(std::string("a throw: ") + e.what());
  }
  return 0;
}
