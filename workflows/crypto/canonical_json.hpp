#pragma once
// RFC 8785 (JSON Canonicalization Scheme, JCS): the one byte form of a JSON value that a
// signature covers. Object members sorted by their names' UTF-16 code units, no whitespace,
// strings with JCS's escaping (only `"`, `\` and the control characters; everything else as
// UTF-8), numbers as ECMAScript's Number.prototype.toString writes them. No Debian package
// implements it for C++, hence this file.
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

}  // namespace enroll::crypto
