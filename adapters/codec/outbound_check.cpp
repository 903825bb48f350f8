#include "adapters/codec/outbound_check.hpp"

#include <rapidjson/document.h>

namespace enroll::codec {
namespace {

std::string string_member(const rapidjson::Value& v, const char* name) {
  const auto it = v.FindMember(name);
  return it != v.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

// A task's schema describes {"inputs", "outputs"}: the request's inputs go in a wrapper.
std::string check_task_inputs(const SchemaSet& schemas, const rapidjson::Value& data) {
  const auto* task = schemas.find("tasks/" + string_member(data, "task") + ".schema.json");
  if (task == nullptr) return {};  // the orchestrator's own citizen.release has none
  rapidjson::Document wrapper(rapidjson::kObjectType);
  rapidjson::Value inputs(data["inputs"], wrapper.GetAllocator());
  wrapper.AddMember("inputs", inputs, wrapper.GetAllocator());
  if (auto why = validate(*task, wrapper); !why.empty()) {
    return string_member(data, "task") + " inputs " + why;
  }
  return {};
}

}  // namespace

std::string check_outbound(const SchemaSet& schemas, std::string_view message) {
  rapidjson::Document doc;
  doc.Parse(message.data(), message.size());
  if (doc.HasParseError()) return "not JSON";
  const auto* envelope = schemas.find("cloudevent.schema.json");
  if (envelope == nullptr) return "the CloudEvents schema is missing";
  if (auto why = validate(*envelope, doc); !why.empty()) return "envelope " + why;
  const std::string type = string_member(doc, "type");
  const auto* data_schema = schemas.find("events/" + type + ".schema.json");
  if (data_schema == nullptr) return "no schema for type " + type;
  const rapidjson::Value& data = doc["data"];
  if (auto why = validate(*data_schema, data); !why.empty()) return type + " data " + why;
  return type == "task.request" ? check_task_inputs(schemas, data) : std::string();
}

}  // namespace enroll::codec
