#pragma once
// RFC 8785 (JSON Canonicalization Scheme, JCS): the one byte form of a JSON value that a
// signature covers. Object members sorted by their names' UTF-16 code units, no whitespace,
// strings with JCS's escaping (only `"`, `\` and the control characters; everything else as
// UTF-8), numbers as ECMAScript's Number.prototype.toString writes them. No Debian package
// implements it for C++, hence this file.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "errors/errc.hpp"

namespace enroll::crypto {

// A value JCS cannot represent: NaN or an infinity, an integer beyond 2^53 in magnitude (a
// double would not hold it exactly, so two different values could share one form: RFC 8785
// 3.2.2.3 asks for I-JSON), a string that is not UTF-8, binary or discarded values.
class CanonicalJsonError : public Error {
 public:
  explicit CanonicalJsonError(const std::string& message) : Error(Errc::invalid_data, message) {}
};

// The JCS bytes of `value`. With `omit` set and `value` an object, its top-level member of
// that name is left out (a signed event without its `signature`), without copying `value`.
// Throws CanonicalJsonError.
[[nodiscard]] std::string canonical_json(const nlohmann::json& value, std::string_view omit = {});

// The same, appended to `out` (a caller that reuses its buffer).
void append_canonical_json(std::string& out, const nlohmann::json& value,
                           std::string_view omit = {});

// JCS's pieces, for a writer over another JSON library's values (adapters/codec's, over the
// inbox's RapidJSON document): each appends one scalar's form to `out`, or throws
// CanonicalJsonError as canonical_json() would.
namespace jcs {
void append_string(std::string& out, std::string_view s);  // s: UTF-8
void append_integer(std::string& out, std::int64_t n);     // |n| at most 2^53
void append_integer(std::string& out, std::uint64_t n);    // at most 2^53
void append_double(std::string& out, double d);            // finite
// JCS's order of an object's member names: by their UTF-16 code units. Throws for a name
// that is not UTF-8 (only one with bytes 0xEE and above is decoded).
bool name_less(std::string_view a, std::string_view b);
}  // namespace jcs

}  // namespace enroll::crypto
