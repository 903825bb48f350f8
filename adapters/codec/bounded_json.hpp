#pragma once
// Parses untrusted JSON text within the bounds of limits.hpp, without recursion: RapidJSON's
// iterative parser feeds the document through a handler that counts the nesting, checks
// every string and member name (valid UTF-8 also after unescaping, no U+0000, no name twice in
// one object) and every number (read from its text, correctly rounded; an integer within 64
// bits, a double below 2^63 in magnitude). Only a document that passed all of them is built.
#include <rapidjson/document.h>

#include <optional>
#include <string_view>

#include "adapters/codec/decode_error.hpp"

namespace enroll::codec {

// Fills `doc` from `text`; on refusal returns not_json (syntax, invalid UTF-8, a raw NUL),
// too_deep (nesting beyond kMaxJsonDepth) or invalid_data (an escaped U+0000, a number out
// of range, a member name twice in one object), and `doc` is left null. The size limit is the
// caller's (checked before this).
std::optional<DecodeError> parse_bounded(std::string_view text, rapidjson::Document& doc);

}  // namespace enroll::codec
