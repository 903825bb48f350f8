#pragma once
// The RFC 8785 (JCS) form of an inbox event, written straight from the RapidJSON document
// parse_bounded built (the inbox's one parse: no copy into another JSON library), with the
// scalars written by workflows/crypto/canonical_json's pieces, so the bytes are those
// crypto::canonical_json writes for the same JSON.
#include <rapidjson/document.h>

#include <string>
#include <string_view>

namespace enroll::codec {

struct CanonicalEvent {
  std::string whole;          // what the audit records name as the event's input (its SHA-256)
  std::string unsigned_form;  // without the top-level `omit` member: what the signature covers
};

// Throws crypto::CanonicalJsonError (an integer beyond 2^53, a value nested deeper than 64).
// `event`: parsed by parse_bounded (strings are UTF-8, names unique, numbers finite).
[[nodiscard]] CanonicalEvent canonical_event(const rapidjson::Value& event, std::string_view omit);

}  // namespace enroll::codec
