#include "adapters/codec/bounded_json.hpp"

#include <rapidjson/encodedstream.h>
#include <rapidjson/encodings.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

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

// Iterative: the parser keeps its own stack on the heap, whatever the nesting. Full precision:
// RapidJSON's default reads a number of 16 or 17 digits up to 3 units in the last place off,
// and the signature covers the shortest form of the sender's double, so an honest message
// would fail its signature (inbound_decoder_test).
constexpr unsigned kParseFlags = rapidjson::kParseIterativeFlag |
                                 rapidjson::kParseValidateEncodingFlag |
                                 rapidjson::kParseFullPrecisionFlag;

enum class Refusal { none, too_deep, bad_utf8, nul, number, duplicate };

// Discards what RapidJSON's UTF-8 validator copies.
struct NullSink {
  void Put(char /*c*/) {}  // NOLINT(readability-identifier-naming): RapidJSON's stream interface
};

// After unescaping: "\udc00" passes the parser's own check (RapidJSON 1.1 lets a lone low
// surrogate through as bytes that are not UTF-8), and nlohmann's dump() would throw on it.
bool valid_utf8(const char* s, std::size_t n) {
  rapidjson::MemoryStream in(s, n);
  NullSink sink;
  while (in.Tell() < n) {
    if (!rapidjson::UTF8<>::Validate(in, sink)) return false;
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
  bool Int(int i) { return doc_.Int(i); }
  bool Uint(unsigned u) { return doc_.Uint(u); }
  bool Int64(std::int64_t i) { return doc_.Int64(i); }
  bool Uint64(std::uint64_t u) {
    return u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
               ? doc_.Uint64(u)
               : refuse(Refusal::number);
  }
  // Also an integer too long for 64 bits, which RapidJSON turns into a double.
  bool Double(double d) {
    return std::fabs(d) < kMaxNumberMagnitude ? doc_.Double(d) : refuse(Refusal::number);
  }
  // Called only under kParseNumbersAsStringsFlag, which is not set.
  bool RawNumber(const char* /*s*/, SizeType /*n*/, bool /*copy*/) {
    return refuse(Refusal::number);
  }
  bool String(const char* s, SizeType n, bool copy) {
    return text_ok(s, n) && doc_.String(s, n, copy);
  }
  bool Key(const char* s, SizeType n, bool copy) {
    return text_ok(s, n) && first_time(std::string_view(s, n)) && doc_.Key(s, n, copy);
  }
  bool StartObject() {
    names_.emplace_back();
    return deeper() && doc_.StartObject();
  }
  bool EndObject(SizeType members) {
    --depth_;
    names_.pop_back();
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
  // outputs; with issue 13 the signature's canonical form) the last, so that what is checked
  // and what is used could differ. RFC 8785 and I-JSON want unique names anyway.
  bool first_time(std::string_view name) {
    // A set per object: a 64 KiB message can hold ~10,000 names, too many for a linear search.
    return names_.back().emplace(name).second || refuse(Refusal::duplicate);
  }
  bool text_ok(const char* s, SizeType n) {
    if (std::memchr(s, '\0', n) != nullptr) return refuse(Refusal::nul);
    return valid_utf8(s, n) || refuse(Refusal::bad_utf8);
  }

  rapidjson::Document& doc_;
  std::size_t depth_ = 0;
  std::vector<std::unordered_set<std::string>> names_;  // the names of each open object
  Refusal refusal_ = Refusal::none;
};

// Document::Populate's generator: runs the parser with the bounded handler.
struct BoundedParse {
  std::string_view text;
  rapidjson::ParseResult result;
  Refusal refusal = Refusal::none;

  bool operator()(rapidjson::Document& doc) {
    rapidjson::MemoryStream bytes(text.data(), text.size());
    rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> in(bytes);
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
  switch (parse.refusal) {
    case Refusal::too_deep:
      return DecodeError{Errc::too_deep,
                         "nested deeper than " + std::to_string(kMaxJsonDepth) + " levels" + where};
    case Refusal::bad_utf8:
      return DecodeError{Errc::not_json, "a string that is not UTF-8 once unescaped" + where};
    case Refusal::nul:
      return DecodeError{Errc::invalid_data, "a string holding U+0000" + where};
    case Refusal::number:
      return DecodeError{Errc::invalid_data, "a number of magnitude 2^63 or more" + where};
    case Refusal::duplicate:
      return DecodeError{Errc::invalid_data, "a member name twice in one object" + where};
    case Refusal::none:
      break;
  }
  if (parse.result.Code() == rapidjson::kParseErrorNumberTooBig) {
    return DecodeError{Errc::invalid_data, "a number too big for a double" + where};
  }
  return DecodeError{Errc::not_json,
                     std::string(rapidjson::GetParseError_En(parse.result.Code())) + where};
}

}  // namespace enroll::codec
