#pragma once
// Reads one JSON file of the key folder's trust (trust.json, operators.json): hostile bytes,
// so bounded in size and depth, every field checked, unknown fields refused; each field named
// as a path (`keys[2].not_after`) in a TrustFileError "<file>: <field>: <problem>".
#include <cstddef>
#include <filesystem>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/trust/trust_file.hpp"
#include "workflows/time.hpp"

namespace enroll::trust {

class FileReader {
 public:
  using json = nlohmann::json;

  explicit FileReader(std::string file) : file_(std::move(file)) {}

  // The text of the file at `path` (at most max_bytes). Throws TrustFileError for a missing,
  // unreadable or too large file.
  [[nodiscard]] static std::string read(const std::filesystem::path& path, std::size_t max_bytes);

  [[noreturn]] void fail(const std::string& field, const std::string& problem) const;

  // `text` as JSON: at most max_bytes, nested at most max_depth levels.
  [[nodiscard]] json parse(std::string_view text, std::size_t max_bytes,
                           std::size_t max_depth) const;
  // The file's "version" member, which must be `expected`.
  void version(const json& doc, int expected) const;

  // `v` as an object of only the `allowed` members.
  const json& object(const json& v, const std::string& field,
                     std::initializer_list<std::string_view> allowed) const;
  const json& array(const json& v, const std::string& field, std::size_t max) const;
  const json& member(const json& obj, const std::string& field, const char* name) const;
  // A name, key id, channel, task or operator id (valid_name()).
  [[nodiscard]] std::string name(const json& v, const std::string& field) const;
  // The optional array `key` of obj as distinct names (none: empty).
  [[nodiscard]] std::vector<std::string> names(const json& obj, const std::string& field,
                                               const char* key) const;
  // An RFC 3339 time from 1970 to 8999 (four-digit years: the file as written reads back the
  // same).
  [[nodiscard]] Timestamp time(const json& v, const std::string& field) const;

  // A name from the file in a message: only its safe characters (no control bytes in logs).
  [[nodiscard]] static std::string printable(const std::string& s);

 private:
  std::string file_;
};

}  // namespace enroll::trust
