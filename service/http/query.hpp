#pragma once
// Reading the URL: percent-decoding and the query string.
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace enroll::http {

// Percent-decoding ('+' stays '+': paths and this API's values do not use it for spaces);
// false on a malformed escape.
bool percent_decode(std::string_view in, std::string& out);

// "a=1&b=x%20y" -> {a: 1, b: "x y"}. Throws RequestError (400 bad_request) for a malformed
// escape or a name given twice.
std::map<std::string, std::string> parse_query(std::string_view raw);

// The value of `name` if present and not empty ("?phase=" means no filter).
std::optional<std::string> query_value(const std::map<std::string, std::string>& query,
                                       const std::string& name);
// Throws RequestError (400 bad_request) naming the first parameter not in `known`.
void reject_unknown(const std::map<std::string, std::string>& query,
                    std::initializer_list<std::string_view> known);

}  // namespace enroll::http
