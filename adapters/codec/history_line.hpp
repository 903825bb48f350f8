#pragma once
// The compact form of an audit record that the commit step appends to its registration's
// history list in Redis (hist:<id>, commit.lua), written here from the typed record rather
// than parsed out of its JSON inside Redis; adapters/redis/history_record.hpp reads it back
// for the HTTP API and describes the fields: tab-separated seq, at (ms since the epoch), actor
// role, actor principal, o:<officer> or p:<operator> (or ''), cause ('~' for the registration
// id at its start, '!' before one that starts with '~' or '!'), from ('' when it is `to`),
// to, phase and step ('' when `to` is '<phase>/<step>'), outcome (last: free text). A tab
// inside a field becomes a space. ~70 bytes instead of the record's ~600.
#include <string>

#include "workflows/effects.hpp"

namespace enroll::codec {

[[nodiscard]] std::string history_line(const AuditRecord& r);

// The record's chain head as the next audit checkpoint covers it: "<seq> <hash>".
[[nodiscard]] std::string audit_head(const AuditRecord& r);

}  // namespace enroll::codec
