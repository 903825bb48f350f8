#include "workflows/state_reader.hpp"

namespace enroll {

using nlohmann::json;

StateReader::StateReader(const json& j, std::string path) : j_(j), path_(std::move(path)) {
  if (!j_.is_object()) {
    throw StateDecodeError(path_.empty() ? "the record is not a JSON object"
                                         : "field '" + path_ + "': not an object");
  }
}

void StateReader::fail(std::string_view key, const std::string& what) const {
  throw StateDecodeError("field '" + (path_.empty() ? "" : path_ + ".") + std::string(key) +
                         "': " + what);
}

const json& StateReader::at(std::string_view key) const {
  const auto it = j_.find(key);
  if (it == j_.end()) fail(key, "missing");
  return *it;
}

bool StateReader::has(std::string_view key) const {
  const auto it = j_.find(key);
  return it != j_.end() && !it->is_null();
}

StateReader StateReader::object(std::string_view key) const {
  const auto& v = at(key);
  if (!v.is_object()) fail(key, "not an object");
  return {v, (path_.empty() ? "" : path_ + ".") + std::string(key)};
}

std::string StateReader::text(std::string_view key) const {
  const auto& v = at(key);
  if (!v.is_string()) fail(key, "not a string");
  return v.get<std::string>();
}

std::optional<std::string> StateReader::opt_text(std::string_view key) const {
  if (!has(key)) return std::nullopt;
  return text(key);
}

bool StateReader::flag(std::string_view key) const {
  const auto& v = at(key);
  if (!v.is_boolean()) fail(key, "not a boolean");
  return v.get<bool>();
}

std::optional<double> StateReader::opt_number(std::string_view key) const {
  if (!has(key)) return std::nullopt;
  const auto& v = at(key);
  if (!v.is_number()) fail(key, "not a number");
  return v.get<double>();
}

std::int64_t StateReader::whole_number(const json& v, std::string_view key) const {
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      fail(key, "out of range");
    }
    return static_cast<std::int64_t>(u);
  }
  if (!v.is_number_integer()) fail(key, "not a whole number");
  return v.get<std::int64_t>();
}

Timestamp StateReader::time(std::string_view key) const {
  return from_millis(whole<std::int64_t>(key));
}

std::optional<Timestamp> StateReader::opt_time(std::string_view key) const {
  if (!has(key)) return std::nullopt;
  return time(key);
}

std::vector<std::string> StateReader::texts(std::string_view key) const {
  const auto& v = at(key);
  if (!v.is_array()) fail(key, "not an array");
  std::vector<std::string> out;
  out.reserve(v.size());
  for (const auto& e : v) {
    if (!e.is_string()) fail(key, "not an array of strings");
    out.push_back(e.get<std::string>());
  }
  return out;
}

std::map<std::string, int> StateReader::counts(std::string_view key) const {
  const auto& v = at(key);
  if (!v.is_object()) fail(key, "not an object");
  std::map<std::string, int> out;
  for (const auto& [name, n] : v.items()) out[name] = narrow<int>(whole_number(n, key), key);
  return out;
}

std::string StateReader::unknown_name(const std::string& text) {
  const bool ours = !text.empty() && text.size() <= 32 &&
                    text.find_first_not_of("abcdefghijklmnopqrstuvwxyz_-") == std::string::npos;
  return ours ? "unknown name '" + text + "'" : "unknown name";
}

}  // namespace enroll
