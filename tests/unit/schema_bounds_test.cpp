// Every embedded schema bounds what it accepts, so that a schema added later cannot forget:
// each string has a maxLength (or an enum), each array a maxItems, each object
// additionalProperties: false, unless it is marked as an extension point ("x-extension":
// why), which must then still bound its members: maxProperties, and the schemas it gives
// for the extra members are held to the same rules.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "adapters/codec/embedded_schemas.hpp"

namespace enroll::codec {
namespace {

using nlohmann::json;

bool has_type(const json& node, const std::string& type) {
  const auto it = node.find("type");
  if (it == node.end()) return false;
  if (it->is_string()) return *it == type;
  if (it->is_array()) {
    for (const auto& t : *it) {
      if (t == type) return true;
    }
  }
  return false;
}

// Appends one line per unbounded place under `node` (a schema) to `out`.
void check(const json& node, const std::string& at, std::vector<std::string>& out) {
  if (!node.is_object()) {
    out.push_back(at + ": not a schema object");
    return;
  }
  const bool has_enum = node.contains("enum");
  if (!node.contains("type") && !has_enum && !node.contains("$ref")) {
    out.push_back(at + ": neither a type nor an enum");
  }
  if (has_type(node, "string") && !has_enum && !node.contains("maxLength")) {
    out.push_back(at + ": a string without maxLength");
  }
  if (has_type(node, "array") && !node.contains("maxItems")) {
    out.push_back(at + ": an array without maxItems");
  }
  if (has_type(node, "object")) {
    // Closed: no member beyond `properties`. Otherwise an extension point, which must say
    // so and bound the number of members; the schemas of its extra members (if it names
    // them here rather than elsewhere) are walked below like any other.
    const auto extra = node.find("additionalProperties");
    const bool by_schema =
        node.contains("patternProperties") || (extra != node.end() && extra->is_object());
    const bool closed =
        extra != node.end() && *extra == false && !node.contains("patternProperties");
    if (!closed && !node.contains("x-extension")) {
      out.push_back(at + (by_schema ? ": open members without an x-extension"
                                    : ": an object without additionalProperties: false"));
    } else if (!closed && !node.contains("maxProperties")) {
      out.push_back(at + ": an extension point without maxProperties");
    }
  }
  for (const char* map : {"properties", "patternProperties", "definitions"}) {
    if (const auto it = node.find(map); it != node.end()) {
      for (const auto& [name, sub] : it->items()) {
        check(sub, std::string(at).append("/").append(map).append("/").append(name), out);
      }
    }
  }
  if (const auto it = node.find("additionalProperties"); it != node.end() && it->is_object()) {
    check(*it, at + "/additionalProperties", out);
  }
  if (const auto it = node.find("items"); it != node.end()) {
    if (it->is_array()) {
      for (std::size_t i = 0; i < it->size(); ++i) {
        check((*it)[i], at + "/items/" + std::to_string(i), out);
      }
    } else {
      check(*it, at + "/items", out);
    }
  }
  for (const char* list : {"allOf", "anyOf", "oneOf"}) {
    if (const auto it = node.find(list); it != node.end()) {
      for (std::size_t i = 0; i < it->size(); ++i) {
        check((*it)[i], at + "/" + list + "/" + std::to_string(i), out);
      }
    }
  }
}

std::vector<std::string> unbounded(const json& schema) {
  std::vector<std::string> out;
  check(schema, "#", out);
  return out;
}

TEST(SchemaBounds, EveryEmbeddedSchemaBoundsWhatItAccepts) {
  ASSERT_GE(embedded_schemas().size(), 30u);
  for (const auto& [path, text] : embedded_schemas()) {
    const auto problems = unbounded(json::parse(text));
    std::string all;
    for (const auto& p : problems) all += "\n  " + p;
    EXPECT_TRUE(problems.empty()) << path << ":" << all;
  }
}

TEST(SchemaBounds, TheWalkFindsEachKindOfGap) {
  EXPECT_TRUE(unbounded(json::parse(R"({"type": "object", "additionalProperties": false,
      "properties": {"s": {"type": "string", "maxLength": 3}, "e": {"enum": ["a"]},
                     "a": {"type": "array", "maxItems": 2, "items": {"type": "integer"}},
                     "x": {"type": "object", "x-extension": "checked elsewhere", "maxProperties": 3}}})"))
                  .empty());
  const auto gaps = unbounded(json::parse(R"({"type": "object",
      "properties": {"s": {"type": ["string", "null"]}, "a": {"type": "array"},
                     "o": {"type": "object", "additionalProperties": {"type": "string"},
                           "x-extension": "why"},
                     "p": {"type": "object", "additionalProperties": false,
                           "patternProperties": {"^x": {"type": "string", "maxLength": 1}}},
                     "n": {"description": "anything"}},
      "definitions": {"d": {"type": "array", "maxItems": 1, "items": [{"type": "string"}]}}})"));
  EXPECT_EQ(gaps, (std::vector<std::string>{
                      "#: an object without additionalProperties: false",
                      "#/properties/a: an array without maxItems",
                      "#/properties/n: neither a type nor an enum",
                      "#/properties/o: an extension point without maxProperties",
                      "#/properties/o/additionalProperties: a string without maxLength",
                      "#/properties/p: open members without an x-extension",
                      "#/properties/s: a string without maxLength",
                      "#/definitions/d/items/0: a string without maxLength"}));
}

}  // namespace
}  // namespace enroll::codec
