#pragma once
// Checks a message this service produced against the schemas of schemas/: the CloudEvents
// envelope (cloudevent.schema.json), then its `data` against events/<type>.schema.json and,
// for a task request, its inputs against the task's own schema (tasks/<task>.schema.json)
// where it has one. The tests run it over every message the engine and the service emit.
#include <string>
#include <string_view>

#include "adapters/codec/schema_set.hpp"

namespace enroll::codec {

// "" if `message` (one CloudEvent, JSON text) matches its schemas, else why not.
[[nodiscard]] std::string check_outbound(const SchemaSet& schemas, std::string_view message);

}  // namespace enroll::codec
