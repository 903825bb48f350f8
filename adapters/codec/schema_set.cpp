#include "adapters/codec/schema_set.hpp"

#include <rapidjson/stringbuffer.h>

#include <stdexcept>

#include "adapters/codec/embedded_schemas.hpp"
#include "errors/errc.hpp"

namespace enroll::codec {

SchemaSet::SchemaSet() {
  for (const auto& [path, text] : embedded_schemas()) {
    rapidjson::Document doc;
    doc.Parse(text.data(), text.size());
    if (doc.HasParseError())
      throw Error(Errc::bad_schema, "schema " + std::string(path) + " is not JSON");
    schemas_.emplace(std::string(path), std::make_unique<rapidjson::SchemaDocument>(doc));
  }
}

const rapidjson::SchemaDocument* SchemaSet::find(std::string_view path) const {
  auto it = schemas_.find(path);
  return it == schemas_.end() ? nullptr : it->second.get();
}

std::string validate(const rapidjson::SchemaDocument& schema, const rapidjson::Value& value) {
  rapidjson::SchemaValidator validator(schema);
  if (value.Accept(validator)) return {};
  rapidjson::StringBuffer where;
  validator.GetInvalidDocumentPointer().StringifyUriFragment(where);
  std::string pointer = where.GetString();
  if (pointer == "#") pointer = "#/";
  return std::string("violates '") + validator.GetInvalidSchemaKeyword() + "' at " + pointer;
}

}  // namespace enroll::codec
