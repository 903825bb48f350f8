#pragma once
// The names of a partition's keys: <ns>:{p<N>}:<suffix>. The hash tag {p<N>} keeps all of a
// partition's keys in one Redis Cluster slot, so that one commit step (commit.lua) touches one
// slot. The Lua scripts build the read side's names (indexes, meta, funnel, history) from
// the same prefix and suffixes; keep them in step with this file.
#include <cstdint>
#include <string>
#include <string_view>

namespace enroll::redis::keys {

// "<ns>:{p<N>}:"
inline std::string partition_prefix(std::string_view ns, std::int32_t partition) {
  return std::string(ns) + ":{p" + std::to_string(partition) + "}:";
}
inline std::string partition_key(std::string_view ns, std::int32_t partition,
                                 std::string_view suffix) {
  return partition_prefix(ns, partition) + std::string(suffix);
}

// Suffixes (after the partition prefix).
inline constexpr std::string_view state = "reg:";  // + id: the state (state_binary.cpp)
// + id: channel, phase, step, status, r (phases reached), history_dropped (hash)
inline constexpr std::string_view meta = "meta:";
// + id: audit records in compact form (list; commit.lua, history_record.hpp)
inline constexpr std::string_view history = "hist:";
inline constexpr std::string_view funnel = "funnel";  // counters per channel (hash)
// registrations now per <channel>:<step>:<status> (hash)
inline constexpr std::string_view steps = "steps";
// + minute (ms / 60000): that minute's activity, expiring an hour after it (hash: applied,
// f:<task>, e:<channel>:<from>:<to>)
inline constexpr std::string_view activity = "act:";
inline constexpr std::string_view outbox = "outbox";  // stream
inline constexpr std::string_view parked = "parked";  // stream: outbox entries refused for good
// the name of the last commit applied and its outbox entry ids (replay.lua)
inline constexpr std::string_view last_commit = "last_commit";
inline constexpr std::string_view index_all = "idx:all";  // ids by last change (sorted set)
// + "<kind>:<value>", kind phase | status | channel: ids by last change (sorted set)
inline constexpr std::string_view index = "idx:";
// + id: a state that could not be decoded, moved aside (hash: record, reason, at, timer,
// status; quarantine.lua)
inline constexpr std::string_view quarantine = "quar:";

}  // namespace enroll::redis::keys
