#include "service/pipeline/audit_anchor.hpp"

#include <spdlog/spdlog.h>

#include <charconv>

namespace enroll {
namespace {

// '<number> <root>' or '<seq> <hash>': a positive integer, a space, 64 lowercase hex digits.
std::optional<std::pair<std::int64_t, std::string>> split(const std::string& text) {
  const auto space = text.find(' ');
  if (space == std::string::npos || text.size() - space - 1 != 64) return std::nullopt;
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + space, n);
  if (ec != std::errc() || end != text.data() + space || n < 1) return std::nullopt;
  const auto hex = text.substr(space + 1);
  for (const char c : hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  }
  return std::pair{n, hex};
}

}  // namespace

std::vector<PreparedCheckpoint> prepare_checkpoints(std::int32_t partition,
                                                    const redis::AuditPending& pending,
                                                    Timestamp now, const CheckpointSigningKey& key,
                                                    const codec::OutboundEncoder& encoder) {
  std::vector<PreparedCheckpoint> out;
  std::vector<std::pair<CheckpointLeaf, const std::string*>> leaves;  // sorted by id (a map's)
  for (const auto& [id, head] : pending.heads) {
    const auto parsed = split(head);
    if (!parsed || id.empty() || id.size() > 128) {
      spdlog::error("audit checkpoint: partition {}: a pending head not in commit.lua's form; left",
                    partition);
      continue;
    }
    leaves.push_back({CheckpointLeaf{id, parsed->first, parsed->second}, &head});
  }
  std::int64_t number = 0;
  std::string root;
  if (!pending.last_checkpoint.empty()) {
    if (const auto last = split(pending.last_checkpoint)) {
      number = last->first;
      root = last->second;
    } else {
      spdlog::error(
          "audit checkpoint: partition {}: the last checkpoint is not in "
          "checkpoint.lua's form; numbering starts again",
          partition);
    }
  }
  std::string last = pending.last_checkpoint;
  for (std::size_t from = 0; from < leaves.size(); from += kMaxCheckpointLeaves) {
    const auto to = std::min(leaves.size(), from + kMaxCheckpointLeaves);
    Checkpoint c{partition, number + 1, root, to_rfc3339(now), {}};
    PreparedCheckpoint p;
    for (std::size_t i = from; i < to; ++i) {
      c.leaves.push_back(leaves[i].first);
      p.covered.emplace(leaves[i].first.registration_id, *leaves[i].second);
    }
    const auto data = sign_checkpoint(c, key);
    number = c.number;
    root = data.at("root").get<std::string>();
    p.message = encoder.checkpoint(data, now);
    p.last = last;
    p.next = std::to_string(number) + " " + root;
    last = p.next;
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace enroll
