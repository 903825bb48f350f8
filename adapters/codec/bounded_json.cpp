#include "adapters/codec/bounded_json.hpp"

#include <rapidjson/encodings.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "adapters/codec/limits.hpp"

namespace enroll::codec {
namespace {

using rapidjson::SizeType;

// Iterative: the parser keeps its own stack on the heap, whatever the nesting. Numbers as
// their text (RawNumber below reads them): RapidJSON 1.1's own reading is either up to 3 units
// in the last place off (the default; a signature covers the shortest form of the sender's
// double, so an honest message would fail it) or, at full precision, undefined behaviour on
// a zero with an exponent ("0e99", inbound_fuzz).
constexpr unsigned kParseFlags = rapidjson::kParseIterativeFlag |
                                 rapidjson::kParseValidateEncodingFlag |
                                 rapidjson::kParseNumbersAsStringsFlag;

enum class Refusal { none, too_deep, bad_utf8, nul, number, duplicate };

// Discards what RapidJSON's UTF-8 validator copies.
struct NullSink {
  void Put(char /*c*/) {}  // NOLINT(readability-identifier-naming): RapidJSON's stream interface
};

// After unescaping: "\udc00" passes the parser's own check (RapidJSON 1.1 lets a lone low
// surrogate through as bytes that are not UTF-8), and nlohmann's dump() would throw on it.
bool valid_utf8(const char* s, std::size_t n) {
  // Most text is ASCII: nothing to decode.
  if (std::all_of(s, s + n, [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
    return true;
  }
  rapidjson::MemoryStream in(s, n);
  NullSink sink;
  while (in.Tell() < n) {
    if (!rapidjson::UTF8<>::Validate(in, sink)) return false;
  }
  return true;
}

// Whether a number's text has no digit but 0 before its exponent ("-0.000e5").
bool is_zero(const char* s, const char* end) {
  for (; s != end && *s != 'e' && *s != 'E'; ++s) {
    if (*s >= '1' && *s <= '9') return false;
  }
  return true;
}

// Forwards RapidJSON's SAX events to the document being built, refusing (and so stopping
// the parser) at the first value out of bounds.
class BoundedHandler {
 public:
  explicit BoundedHandler(rapidjson::Document& doc) : doc_(doc) {}
  [[nodiscard]] Refusal refusal() const { return refusal_; }

  // RapidJSON's handler interface names these.
  // NOLINTBEGIN(readability-identifier-naming)
  bool Null() { return doc_.Null(); }
  bool Bool(bool b) { return doc_.Bool(b); }
  // Numbers come as their text (kParseNumbersAsStringsFlag), which the parser has checked
  // against JSON's grammar: an integer (no fraction, no exponent) within 64 bits signed, or
  // else a double correctly rounded (std::from_chars) below 2^63 in magnitude; anything else
  // (an integer past 64 bits, a double it cannot hold, too large or too small) is refused.
  bool RawNumber(const char* s, SizeType n, bool /*copy*/) {
    const char* end = s + n;
    if (std::find_if(s, end, [](char c) { return c == '.' || c == 'e' || c == 'E'; }) == end) {
      std::int64_t i = 0;
      const auto r = std::from_chars(s, end, i);
      return r.ec == std::errc() && r.ptr == end ? doc_.Int64(i) : refuse(Refusal::number);
    }
    double d = 0;
    const auto r = std::from_chars(s, end, d);
    if (r.ec == std::errc::result_out_of_range && is_zero(s, end)) {
      d = 0;  // 0e999: zero whatever the exponent
    } else if (r.ec != std::errc() || r.ptr != end) {
      return refuse(Refusal::number);
    }
    return std::fabs(d) < kMaxNumberMagnitude ? doc_.Double(d) : refuse(Refusal::number);
  }
  // Not called under kParseNumbersAsStringsFlag; refused should that ever change.
  bool Int(int /*i*/) { return refuse(Refusal::number); }
  bool Uint(unsigned /*u*/) { return refuse(Refusal::number); }
  bool Int64(std::int64_t /*i*/) { return refuse(Refusal::number); }
  bool Uint64(std::uint64_t /*u*/) { return refuse(Refusal::number); }
  bool Double(double /*d*/) { return refuse(Refusal::number); }
  bool String(const char* s, SizeType n, bool copy) {
    return text_ok(s, n) && doc_.String(s, n, copy);
  }
  bool Key(const char* s, SizeType n, bool copy) {
    return text_ok(s, n) && first_time(std::string_view(s, n)) && doc_.Key(s, n, copy);
  }
  bool StartObject() {
    objects_.push_back({names_.size(), {}});
    return deeper() && doc_.StartObject();
  }
  bool EndObject(SizeType members) {
    --depth_;
    names_.resize(objects_.back().first_name);
    objects_.pop_back();
    return doc_.EndObject(members);
  }
  bool StartArray() { return deeper() && doc_.StartArray(); }
  bool EndArray(SizeType elements) {
    --depth_;
    return doc_.EndArray(elements);
  }
  // NOLINTEND(readability-identifier-naming)

 private:
  bool refuse(Refusal why) {
    refusal_ = why;
    return false;
  }
  bool deeper() { return ++depth_ <= kMaxJsonDepth || refuse(Refusal::too_deep); }
  // A name twice in one object: RapidJSON's FindMember would read the first, nlohmann (the task
  // outputs, and the producers' canonical form that they sign) the last, so that what is
  // checked and what is used could differ. RFC 8785 and I-JSON want unique names anyway.
  bool first_time(std::string_view name) {
    Object& o = objects_.back();
    if (o.many.empty()) {
      // A few names (an event's): a search of the object's names, with no allocation for
      // the short ones.
      const auto first = names_.begin() + static_cast<std::ptrdiff_t>(o.first_name);
      if (std::find(first, names_.end(), name) != names_.end()) return refuse(Refusal::duplicate);
      names_.emplace_back(name);
      if (names_.size() - o.first_name < kFewNames) return true;
      // Past a few: a set (a 64 KiB message can hold ~10,000 names, too many to search).
      o.many.insert(names_.begin() + static_cast<std::ptrdiff_t>(o.first_name), names_.end());
      return true;
    }
    return o.many.emplace(name).second || refuse(Refusal::duplicate);
  }
  bool text_ok(const char* s, SizeType n) {
    if (std::memchr(s, '\0', n) != nullptr) return refuse(Refusal::nul);
    return valid_utf8(s, n) || refuse(Refusal::bad_utf8);
  }

  rapidjson::Document& doc_;
  std::size_t depth_ = 0;
  static constexpr std::size_t kFewNames = 16;
  struct Object {
    std::size_t first_name;                // its names in names_ from here, while it has few
    std::unordered_set<std::string> many;  // all of its names, once it has many
  };
  std::vector<Object> objects_;     // the open objects, innermost last
  std::vector<std::string> names_;  // the names of the open objects that have few
  Refusal refusal_ = Refusal::none;
};

// Document::Populate's generator: runs the parser with the bounded handler.
struct BoundedParse {
  std::string_view text;
  rapidjson::ParseResult result;
  Refusal refusal = Refusal::none;

  bool operator()(rapidjson::Document& doc) {
    // The bytes as they are: RapidJSON's UTF-8 EncodedInputStream would skip a byte-order
    // mark, and each of its three bytes on its own, before the text.
    rapidjson::MemoryStream in(text.data(), text.size());
    BoundedHandler handler(doc);
    rapidjson::Reader reader;
    result = reader.Parse<kParseFlags>(in, handler);
    refusal = handler.refusal();
    return !result.IsError();
  }
};

std::string at_byte(std::size_t offset) { return " at byte " + std::to_string(offset); }

}  // namespace

std::optional<DecodeError> parse_bounded(std::string_view text, rapidjson::Document& doc) {
  doc.SetNull();
  // RapidJSON would take a NUL for the end of the text and ignore what follows it.
  if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
    return DecodeError{Errc::not_json, "a NUL byte" + at_byte(nul)};
  }
  BoundedParse parse{text, {}, Refusal::none};
  doc.Populate(parse);
  if (!parse.result.IsError()) return std::nullopt;
  const std::string where = at_byte(parse.result.Offset());
  // RapidJSON still reads the exponent itself: one past 308 ("1e400", also "0e400") stops it.
  if (parse.result.Code() == rapidjson::kParseErrorNumberTooBig) {
    return DecodeError{Errc::invalid_data, "a number too big for a double" + where};
  }
  switch (parse.refusal) {
    case Refusal::too_deep:
      return DecodeError{Errc::too_deep,
                         "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels" + where};
    case Refusal::bad_utf8:
      return DecodeError{Errc::not_json, "a string that is not UTF-8 once unescaped" + where};
    case Refusal::nul:
      return DecodeError{Errc::invalid_data, "a string holding U+0000" + where};
    case Refusal::number:
      return DecodeError{Errc::invalid_data,
                         "a number past 64 bits, of magnitude 2^63 or more, or that a double "
                         "cannot hold" +
                             where};
    case Refusal::duplicate:
      return DecodeError{Errc::invalid_data, "a member name twice in one object" + where};
    case Refusal::none:
      break;
  }
  return DecodeError{Errc::not_json,
                     std::string(rapidjson::GetParseError_En(parse.result.Code())) + where};
}

}  // namespace enroll::codec
