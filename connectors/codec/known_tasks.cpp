#include "connectors/codec/known_tasks.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string_view>

#include "connectors/codec/embedded_schemas.hpp"

namespace enroll::codec {

std::map<std::string, std::string> known_tasks() {
  constexpr std::string_view prefix = "tasks/";
  constexpr std::string_view suffix = ".schema.json";
  std::map<std::string, std::string> out;
  for (const auto& [path, text] : embedded_schemas()) {
    if (path.size() <= prefix.size() + suffix.size() || path.substr(0, prefix.size()) != prefix ||
        path.substr(path.size() - suffix.size()) != suffix) {
      continue;
    }
    const auto task = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
    const auto doc = nlohmann::json::parse(text);
    if (!doc.contains("x-connector") || !doc["x-connector"].is_string()) {
      throw std::runtime_error("schema " + std::string(path) + " has no x-connector");
    }
    out.emplace(std::string(task), doc["x-connector"].get<std::string>());
  }
  return out;
}

}  // namespace enroll::codec
