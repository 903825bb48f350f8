#pragma once
// The JSON Schemas of schemas/, compiled in: (path relative to schemas/, text).
#include <string_view>
#include <utility>
#include <vector>

namespace enroll::codec {

const std::vector<std::pair<std::string_view, std::string_view>>& embedded_schemas();

}  // namespace enroll::codec
