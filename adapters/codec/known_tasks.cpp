#include "adapters/codec/known_tasks.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string_view>

#include "adapters/codec/embedded_schemas.hpp"
#include "errors/errc.hpp"

namespace enroll::codec {

namespace {

// Calls f(task, path, schema) for every embedded task schema.
template <class F>
void each_task_schema(F&& f) {
  constexpr std::string_view prefix = "tasks/";
  constexpr std::string_view suffix = ".schema.json";
  for (const auto& [path, text] : embedded_schemas()) {
    if (path.size() <= prefix.size() + suffix.size() || path.substr(0, prefix.size()) != prefix ||
        path.substr(path.size() - suffix.size()) != suffix) {
      continue;
    }
    const auto task = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
    f(std::string(task), path, nlohmann::json::parse(text));
  }
}

}  // namespace

std::map<std::string, std::string> known_tasks() {
  std::map<std::string, std::string> out;
  each_task_schema([&](const std::string& task, std::string_view path, const nlohmann::json& doc) {
    if (!doc.contains("x-connector") || !doc["x-connector"].is_string()) {
      throw Error(Errc::bad_schema, "schema " + std::string(path) + " has no x-connector");
    }
    out.emplace(task, doc["x-connector"].get<std::string>());
  });
  return out;
}

std::map<std::string, std::set<std::string>> known_error_codes() {
  std::map<std::string, std::set<std::string>> out;
  each_task_schema([&](const std::string& task, std::string_view, const nlohmann::json& doc) {
    auto& codes = out[task];
    if (doc.contains("x-error-codes") && doc["x-error-codes"].is_array()) {
      for (const auto& c : doc["x-error-codes"]) {
        if (c.is_string()) codes.insert(c.get<std::string>());
      }
    }
  });
  return out;
}

}  // namespace enroll::codec
