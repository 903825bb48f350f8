#pragma once
// The codec's compiled schemas as what the definition loader checks against
// (workflows/definition_loader.hpp), for every program that reads channel definitions.
#include <rapidjson/document.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>

#include <stdexcept>
#include <string>

#include "adapters/codec/schema_set.hpp"
#include "workflows/definition_loader.hpp"

namespace enroll::codec {

class DefinitionSchemas final : public SchemaCheck {
 public:
  explicit DefinitionSchemas(const SchemaSet& schemas) : schemas_(schemas) {}

  [[nodiscard]] bool has(std::string_view path) const override {
    return schemas_.find(path) != nullptr;
  }

  // The pointer as a plain JSON pointer ("/steps/1"), the keyword apart: the loader names
  // where in the file, not only where in the checked part.
  [[nodiscard]] std::optional<SchemaViolation> check(std::string_view path,
                                                     const nlohmann::json& doc) const override {
    const auto* schema = schemas_.find(path);
    if (schema == nullptr) throw std::logic_error("no embedded schema " + std::string(path));
    // The validator speaks RapidJSON; definitions are small and read once.
    const std::string text = doc.dump();
    rapidjson::Document rdoc;
    rdoc.Parse(text.data(), text.size());
    rapidjson::SchemaValidator validator(*schema);
    if (rdoc.Accept(validator)) return std::nullopt;
    rapidjson::StringBuffer where;
    validator.GetInvalidDocumentPointer().Stringify(where);
    return SchemaViolation{validator.GetInvalidSchemaKeyword(), where.GetString()};
  }

 private:
  const SchemaSet& schemas_;
};

}  // namespace enroll::codec
