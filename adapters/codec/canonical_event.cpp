#include "adapters/codec/canonical_event.hpp"

#include <algorithm>
#include <vector>

#include "workflows/crypto/canonical_json.hpp"

namespace enroll::codec {
namespace {

namespace jcs = crypto::jcs;

constexpr int kMaxDepth = 64;  // as canonical_json's; the inbox's bound (32) is far below

std::string_view name_of(const rapidjson::Value::Member& m) {
  return {m.name.GetString(), m.name.GetStringLength()};
}

// A range of bytes in the canonical form: [offset, offset + length).
struct Span {
  std::size_t offset = 0;
  std::size_t length = 0;
};

// Writes `v`; at the top level, the span of the member named `omit` goes to `omitted`, with one
// comma that joins it to a neighbour (the one before it, or after it when it is first).
void append_value(std::string& out, const rapidjson::Value& v, int depth, std::string_view omit,
                  Span* omitted) {
  if (depth > kMaxDepth) throw crypto::CanonicalJsonError("nested deeper than 64 levels");
  switch (v.GetType()) {
    case rapidjson::kNullType:
      out += "null";
      return;
    case rapidjson::kFalseType:
      out += "false";
      return;
    case rapidjson::kTrueType:
      out += "true";
      return;
    case rapidjson::kStringType:
      jcs::append_string(out, {v.GetString(), v.GetStringLength()});
      return;
    case rapidjson::kNumberType:
      if (v.IsInt64()) {
        jcs::append_integer(out, v.GetInt64());
      } else if (v.IsUint64()) {
        jcs::append_integer(out, v.GetUint64());
      } else {
        jcs::append_double(out, v.GetDouble());
      }
      return;
    case rapidjson::kArrayType: {
      out.push_back('[');
      bool first = true;
      for (const auto& item : v.GetArray()) {
        if (!first) out.push_back(',');
        first = false;
        append_value(out, item, depth + 1, {}, nullptr);
      }
      out.push_back(']');
      return;
    }
    case rapidjson::kObjectType: {
      // RapidJSON keeps the members in the text's order; JCS sorts them.
      std::vector<const rapidjson::Value::Member*> members;
      members.reserve(v.MemberCount());
      for (const auto& m : v.GetObject()) members.push_back(&m);
      std::sort(members.begin(), members.end(), [](const auto* a, const auto* b) {
        return jcs::name_less(name_of(*a), name_of(*b));
      });
      out.push_back('{');
      for (std::size_t i = 0; i < members.size(); ++i) {
        const std::size_t start = out.size();
        if (i > 0) out.push_back(',');
        jcs::append_string(out, name_of(*members[i]));
        out.push_back(':');
        append_value(out, members[i]->value, depth + 1, {}, nullptr);
        if (omitted != nullptr && name_of(*members[i]) == omit) {
          const bool comma_after = i == 0 && members.size() > 1;
          *omitted = {start, out.size() - start + (comma_after ? 1 : 0)};
        }
      }
      out.push_back('}');
      return;
    }
  }
}

}  // namespace

CanonicalEvent canonical_event(const rapidjson::Value& event, std::string_view omit) {
  CanonicalEvent c;
  c.whole.reserve(1024);  // an inbox event's size: one allocation
  Span omitted;
  append_value(c.whole, event, 0, omit, &omitted);
  c.unsigned_form = c.whole;
  c.unsigned_form.erase(omitted.offset, omitted.length);
  return c;
}

}  // namespace enroll::codec
