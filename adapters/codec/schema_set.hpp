#pragma once
// Compiled JSON Schemas, built once at start-up (never per message).
#include <rapidjson/document.h>
#include <rapidjson/schema.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace enroll::codec {

class SchemaSet {
 public:
  // Compiles every embedded schema; throws Error(bad_schema) if one is not valid JSON.
  SchemaSet();
  // nullptr if there is no schema at that path (e.g. "commands/terms.accept.schema.json").
  [[nodiscard]] const rapidjson::SchemaDocument* find(std::string_view path) const;

 private:
  std::map<std::string, std::unique_ptr<rapidjson::SchemaDocument>, std::less<>> schemas_;
};

// Validates `value` against `schema`; returns "" if valid, else a one-line reason naming the
// failing keyword and location.
std::string validate(const rapidjson::SchemaDocument& schema, const rapidjson::Value& value);

}  // namespace enroll::codec
