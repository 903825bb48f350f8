#pragma once
// Verifying a registration's audit trail (contract: enroll.audit): the records' seq run
// 1..n without gaps or repeats, each record's prev_hash is the hash of the one before ("" for
// the first), and each hash is SHA-256 over prev_hash and the record's canonical JSON without
// its hash. Anyone with the records alone can run it: no keys are needed.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace enroll {

// The first broken link of a chain: the record at `seq` (as sorted) and what is wrong.
struct ChainBreak {
  std::int64_t seq = 0;
  std::string why;
};

// `records`: one registration's audit records (the `data` of audit.record events), in any
// order, each once (drop re-sent copies by event id first).
std::optional<ChainBreak> verify_chain(std::vector<nlohmann::json> records);

struct TrailReport {
  std::size_t registrations = 0;
  std::size_t records = 0;
  std::map<std::string, ChainBreak> broken;  // registration id → its first broken link
  // Messages refused on the record (outcome not_authorised, issue 13), by the principal that
  // sent them: a valid key used for what its principal may not do is worth a look.
  std::map<std::string, std::size_t> refused;
};

// Adds the refusals among `records` (audit records' data) to `report.refused`.
void count_refusals(const std::vector<nlohmann::json>& records, TrailReport& report);

// Groups audit.record CloudEvents (one per element; copies with the same event id counted
// once) by registration and verifies every chain.
TrailReport verify_trail(const std::vector<nlohmann::json>& events);

}  // namespace enroll
