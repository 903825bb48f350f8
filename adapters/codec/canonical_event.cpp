#include "adapters/codec/canonical_event.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "workflows/crypto/canonical_json.hpp"

namespace enroll::codec {
namespace {

namespace jcs = crypto::jcs;

constexpr int kMaxDepth = 64;  // as canonical_json's; the inbox's bound (32) is far below

std::string_view name_of(const rapidjson::Value::Member& m) {
  return {m.name.GetString(), m.name.GetStringLength()};
}

// Writes `v`; at the top level (depth 0), the byte range of the member named `omit`, with the
// comma that joins it to its neighbours, goes to `omitted`.
void append_value(std::string& out, const rapidjson::Value& v, int depth, std::string_view omit,
                  std::pair<std::size_t, std::size_t>* omitted) {
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
      bool first = true;
      for (const auto* m : members) {
        const bool omitted_here = omitted != nullptr && name_of(*m) == omit;
        const std::size_t start = out.size();
        if (!first) out.push_back(',');
        jcs::append_string(out, name_of(*m));
        out.push_back(':');
        append_value(out, m->value, depth + 1, {}, nullptr);
        if (omitted_here) {
          // The first member takes the comma after it along, any other the one before it.
          const bool had_comma = !first;
          *omitted = {start, out.size() - start};
          if (!had_comma) omitted->second += 1;  // the ',' the next member will write
        }
        first = false;
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
  std::pair<std::size_t, std::size_t> omitted{0, 0};
  append_value(c.whole, event, 0, omit, &omitted);
  c.unsigned_form.reserve(c.whole.size());
  c.unsigned_form.append(c.whole, 0, omitted.first);
  // A first member that is also the last has no ',' after it: the range stops at the '}'.
  const std::size_t resume = std::min(omitted.first + omitted.second, c.whole.size() - 1);
  c.unsigned_form.append(c.whole, omitted.second == 0 ? omitted.first : resume);
  return c;
}

}  // namespace enroll::codec
