#pragma once
// A history record as the HTTP API shows it, from the compact form (codec/history_line.hpp
// writes it, commit.lua appends it) kept in a registration's history list (hist:<id>): the
// tab-separated seq, at (ms since the epoch), actor role, actor principal, o:<officer> or
// p:<operator>, cause ('~' standing for the registration id at its start, '!' escaping a cause that
// starts with '~' or '!'), from ('' when it is `to`), to, phase and step ('' when `to` is
// '<phase>/<step>'), outcome. A record written before the compact form (whole audit record JSON,
// starting with '{') is returned as it is.
#include <string>
#include <string_view>

namespace enroll::redis {

// The record of registration `id` as JSON text: {seq, at, actor {role, principal[, officer |
// operator]}, cause, from, to, phase, step, outcome}. Never throws: a stored value that is not a
// compact record (fewer fields, a seq that is no number) comes back as {"malformed": true,
// "stored": <the text>} rather than failing the whole page.
std::string history_record_json(std::string_view stored, std::string_view id);

}  // namespace enroll::redis
