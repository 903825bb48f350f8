#pragma once
// Verifying a registration's audit trail (contract: enroll.audit): the records' seq run
// 1..n without gaps or repeats, each record's prev_hash is the hash of the one before ("" for
// the first), and each hash is the record's (audit_hash_of: its format's bytes). Anyone with
// the records alone can run that. With the checkpoint keys' public halves, the signed
// checkpoints of the same export anchor the chains (audit_checkpoint.hpp): a chain dropped,
// cut short or rewritten consistently is named.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "workflows/audit_checkpoint.hpp"

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
  // With checkpoint keys: the checkpoints that verified, and what the anchoring found.
  std::size_t checkpoints = 0;
  struct Finding {
    // dropped_chain, cut_tail, rewritten_history, unanchored_head (chains); malformed_record;
    // malformed_checkpoint, unknown_key, forged_checkpoint, checkpoint_gap, checkpoint_fork
    std::string kind;
    std::string subject;  // the registration id, or "partition <p> checkpoint <n>"
    std::string why;
  };
  std::vector<Finding> findings;
  [[nodiscard]] bool ok() const { return broken.empty() && findings.empty(); }
};

// Adds the refusals among `records` (audit records' data) to `report.refused`.
void count_refusals(const std::vector<nlohmann::json>& records, TrailReport& report);

// Groups audit.record CloudEvents (one per element; copies with the same event id counted
// once) by registration and verifies every chain. With `keys` (the checkpoint keys' public
// halves, every version an auditor was given), the export's audit.checkpoint events are
// checked too: each one's signature and root, each partition's run of numbers and prev_root
// links, and each checkpointed head against the records (dropped_chain: no records at all;
// cut_tail: the seq is beyond the last record; rewritten_history: the record at that seq has
// another hash); and every chain's last record must be a checkpointed head (unanchored_head).
// Without keys, checkpoints are ignored.
TrailReport verify_trail(const std::vector<nlohmann::json>& events,
                         std::span<const CheckpointPublicKey> keys = {});

// Whether a CloudEvent is an audit checkpoint (its type), rather than a record.
bool is_checkpoint_event(const nlohmann::json& event);

}  // namespace enroll
