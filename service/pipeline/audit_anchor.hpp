#pragma once
// Audit checkpoints of a partition (issue 15, item 5; workflows/audit_checkpoint.hpp): from
// the chain heads that commit.lua marked pending and the partition's last checkpoint, the
// signed audit.checkpoint messages that cover them (in runs of at most kMaxCheckpointLeaves),
// each with the last checkpoint it moves on from and the heads it covers, for checkpoint.lua.
//
// Owner: InboxPipeline, which calls it on its thread every `checkpoint_interval` and on stop,
// for the partitions it owns. Pure: no I/O here.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "adapters/codec/outbound_encoder.hpp"
#include "adapters/redis/store/store.hpp"
#include "workflows/audit_checkpoint.hpp"

namespace enroll {

struct PreparedCheckpoint {
  codec::OutboxMessage message;
  std::string last;  // the partition's last checkpoint before it ('<number> <root>', "")
  std::string next;  // after it
  std::map<std::string, std::string> covered;  // the pending heads it covers, as read
};

// The checkpoints covering `pending` (none if nothing is pending). Heads Redis holds in
// another form than commit.lua writes are left pending and logged; a last checkpoint in another
// form starts the numbers again at 1 (the verifier then names the gap).
std::vector<PreparedCheckpoint> prepare_checkpoints(std::int32_t partition,
                                                    const redis::AuditPending& pending,
                                                    Timestamp now, const CheckpointSigningKey& key,
                                                    const codec::OutboundEncoder& encoder);

}  // namespace enroll
