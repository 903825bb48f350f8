#include "workflows/crypto/canonical_json.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "workflows/utf8.hpp"

namespace enroll::crypto {
namespace {

using json = nlohmann::json;

// Beyond this an integer has no exact double, and ECMAScript would print another number.
constexpr std::uint64_t kMaxExactInteger = std::uint64_t{1} << 53;
// Objects and arrays nest at most this deep: the writer recurses, and every caller's input
// was bounded far below this (the inbox: 32 levels) before it got here.
constexpr int kMaxDepth = 64;

template <typename Int>
void append_digits(std::string& out, Int value) {
  std::array<char, 24> buf{};
  const auto r = std::to_chars(buf.data(), buf.data() + buf.size(), value);
  out.append(buf.data(), r.ptr);
}

// The name as UTF-16 code units: JCS's sort order (it differs from UTF-8's byte order only
// for U+E000..U+FFFF against the supplementary planes).
std::u16string utf16(std::string_view s) {
  std::u16string units;
  std::size_t i = 0;
  while (i < s.size()) {
    const std::int32_t cp = next_code_point(s, i);
    if (cp < 0) throw CanonicalJsonError("a member name that is not UTF-8");
    if (cp < 0x10000) {
      units.push_back(static_cast<char16_t>(cp));
    } else {
      units.push_back(static_cast<char16_t>(0xD800 + ((cp - 0x10000) >> 10)));
      units.push_back(static_cast<char16_t>(0xDC00 + ((cp - 0x10000) & 0x3FF)));
    }
  }
  return units;
}

bool from_private_use_on(std::string_view name) {
  return std::any_of(name.begin(), name.end(),
                     [](char c) { return static_cast<unsigned char>(c) >= 0xEE; });
}

}  // namespace

namespace jcs {

void append_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t i = 0;
  while (i < s.size()) {
    // A run of printable ASCII that needs no escape is copied at once (most of an event).
    std::size_t run = i;
    while (run < s.size()) {
      const auto c = static_cast<unsigned char>(s[run]);
      if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') break;
      ++run;
    }
    out.append(s, i, run - i);
    i = run;
    if (i == s.size()) break;
    const std::size_t start = i;
    const std::int32_t cp = next_code_point(s, i);
    if (cp < 0) throw CanonicalJsonError("a string that is not UTF-8");
    switch (cp) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (cp < 0x20) {
          out += "\\u00";
          out.push_back(kHex[cp >> 4]);
          out.push_back(kHex[cp & 0xF]);
        } else {
          out.append(s, start, i - start);  // a character from U+0080 on, as its UTF-8
        }
    }
  }
  out.push_back('"');
}

void append_integer(std::string& out, std::int64_t n) {
  const std::uint64_t magnitude =
      n < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(n) : static_cast<std::uint64_t>(n);
  if (magnitude > kMaxExactInteger) throw CanonicalJsonError("an integer beyond 2^53");
  append_digits(out, n);
}

void append_integer(std::string& out, std::uint64_t n) {
  if (n > kMaxExactInteger) throw CanonicalJsonError("an integer beyond 2^53");
  append_digits(out, n);
}

// ECMAScript's Number::toString (ES2015 7.1.12.1) from the shortest digits that read back as
// `d` (std::to_chars without a precision): plain notation for 1e-7 < |d| < 1e21, else
// d[.ddd]e±n.
void append_double(std::string& out, double d) {
  if (!std::isfinite(d)) throw CanonicalJsonError("a number that is NaN or infinite");
  if (d == 0) {  // also -0
    out.push_back('0');
    return;
  }
  std::array<char, 40> buf{};
  const auto r =
      std::to_chars(buf.data(), buf.data() + buf.size(), d, std::chars_format::scientific);
  std::string_view sci(buf.data(), static_cast<std::size_t>(r.ptr - buf.data()));
  if (sci.front() == '-') {
    out.push_back('-');
    sci.remove_prefix(1);
  }
  const std::size_t e_at = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_at)) {
    if (c != '.') digits.push_back(c);
  }
  int exponent = 0;
  std::string_view exp_text = sci.substr(e_at + 1);
  if (exp_text.front() == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);
  const int k = static_cast<int>(digits.size());
  const int n = exponent + 1;  // the decimal point's place after the first digit
  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, 0, static_cast<std::size_t>(n));
    out.push_back('.');
    out.append(digits, static_cast<std::size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-n), '0');
    out += digits;
  } else {
    out.push_back(digits.front());
    if (k > 1) {
      out.push_back('.');
      out.append(digits, 1);
    }
    out += n - 1 >= 0 ? "e+" : "e-";
    append_digits(out, std::abs(n - 1));
  }
}

bool name_less(std::string_view a, std::string_view b) {
  // UTF-8's byte order is the UTF-16 order unless a name holds a character from U+E000 on
  // (lead bytes 0xEE and above).
  if (!from_private_use_on(a) && !from_private_use_on(b)) return a < b;
  return utf16(a) < utf16(b);
}

}  // namespace jcs

namespace {

using jcs::append_double;
using jcs::append_integer;
using jcs::append_string;

void append_value(std::string& out, const json& v, std::string_view omit, int depth);

void append_object(std::string& out, const json& v, std::string_view omit, int depth) {
  // nlohmann's object is a std::map: ordered by UTF-8 bytes, which is the UTF-16 order unless
  // a name holds a character from U+E000 on (lead bytes 0xEE and above).
  std::vector<std::pair<const std::string*, const json*>> members;
  members.reserve(v.size());
  bool reorder = false;
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (!omit.empty() && it.key() == omit) continue;
    members.emplace_back(&it.key(), &it.value());
    reorder = reorder || from_private_use_on(it.key());
  }
  if (reorder) {
    std::vector<std::pair<std::u16string, std::size_t>> keys;
    keys.reserve(members.size());
    for (std::size_t i = 0; i < members.size(); ++i) keys.emplace_back(utf16(*members[i].first), i);
    std::sort(keys.begin(), keys.end());
    std::vector<std::pair<const std::string*, const json*>> sorted;
    sorted.reserve(keys.size());
    for (const auto& k : keys) sorted.push_back(members[k.second]);
    members = std::move(sorted);
  }
  out.push_back('{');
  bool first = true;
  for (const auto& [name, value] : members) {
    if (!first) out.push_back(',');
    first = false;
    append_string(out, *name);
    out.push_back(':');
    append_value(out, *value, {}, depth + 1);
  }
  out.push_back('}');
}

void append_value(std::string& out, const json& v, std::string_view omit, int depth) {
  if (depth > kMaxDepth) throw CanonicalJsonError("nested deeper than 64 levels");
  switch (v.type()) {
    case json::value_t::null:
      out += "null";
      break;
    case json::value_t::boolean:
      out += v.get_ref<const json::boolean_t&>() ? "true" : "false";
      break;
    case json::value_t::string:
      append_string(out, v.get_ref<const std::string&>());
      break;
    case json::value_t::number_integer:
      append_integer(out, v.get<std::int64_t>());
      break;
    case json::value_t::number_unsigned:
      append_integer(out, v.get<std::uint64_t>());
      break;
    case json::value_t::number_float:
      append_double(out, v.get<double>());
      break;
    case json::value_t::array: {
      out.push_back('[');
      bool first = true;
      for (const auto& item : v) {
        if (!first) out.push_back(',');
        first = false;
        append_value(out, item, {}, depth + 1);
      }
      out.push_back(']');
      break;
    }
    case json::value_t::object:
      append_object(out, v, omit, depth);
      break;
    case json::value_t::binary:
    case json::value_t::discarded:
      throw CanonicalJsonError("a value JSON cannot hold");
  }
}

}  // namespace

void append_canonical_json(std::string& out, const json& value, std::string_view omit) {
  append_value(out, value, omit, 0);
}

std::string canonical_json(const json& value, std::string_view omit) {
  std::string out;
  out.reserve(1024);  // an inbox event's size: one allocation
  append_value(out, value, omit, 0);
  return out;
}

}  // namespace enroll::crypto
