#include "adapters/trust/file_reader.hpp"

#include <algorithm>

#include "adapters/keys/key_file.hpp"
#include "adapters/keys/keys.hpp"

namespace enroll::trust {

namespace {

bool name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

}  // namespace

bool valid_name(std::string_view name) {
  // "." and ".." are no names: a key id becomes a file name.
  return !name.empty() && name.size() <= kMaxNameLength && name != "." && name != ".." &&
         std::all_of(name.begin(), name.end(), name_char);
}

std::string FileReader::read(const std::filesystem::path& path, std::size_t max_bytes) {
  try {
    return read_key_file(path, max_bytes, Exposure::public_);
  } catch (const KeysError& e) {
    throw TrustFileError(path.string(), "(file)", e.what());
  }
}

void FileReader::fail(const std::string& field, const std::string& problem) const {
  throw TrustFileError(file_, field, problem);
}

FileReader::json FileReader::parse(std::string_view text, std::size_t max_bytes,
                                   std::size_t max_depth) const {
  if (text.size() > max_bytes) {
    fail("(file)", "more than " + std::to_string(max_bytes) + " bytes");
  }
  try {
    // nlohmann's parser keeps its own stack; the callback bounds the depth all the same, so
    // that nothing recursive ever sees a deep document.
    return json::parse(text, [&](int depth, json::parse_event_t, json&) {
      if (static_cast<std::size_t>(depth) > max_depth) fail("(file)", "nested too deeply");
      return true;
    });
  } catch (const json::exception& e) {
    fail("(file)", std::string("not JSON: ") + e.what());
  }
}

void FileReader::version(const json& doc, int expected) const {
  const json& v = member(doc, "(file)", "version");
  if (!v.is_number_integer() || v.get<std::int64_t>() != expected) {
    fail("version", "must be " + std::to_string(expected));
  }
}

const FileReader::json& FileReader::object(const json& v, const std::string& field,
                                           std::initializer_list<std::string_view> allowed) const {
  if (!v.is_object()) fail(field, "must be an object");
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end()) {
      fail(field, "unknown field '" + printable(it.key()) + "'");
    }
  }
  return v;
}

const FileReader::json& FileReader::array(const json& v, const std::string& field,
                                          std::size_t max) const {
  if (!v.is_array()) fail(field, "must be an array");
  if (v.size() > max) fail(field, "more than " + std::to_string(max) + " entries");
  return v;
}

const FileReader::json& FileReader::member(const json& obj, const std::string& field,
                                           const char* name) const {
  const auto it = obj.find(name);
  if (it == obj.end()) fail(field + "." + name, "missing");
  return *it;
}

std::string FileReader::name(const json& v, const std::string& field) const {
  if (!v.is_string()) fail(field, "must be a string");
  const auto& s = v.get_ref<const std::string&>();
  if (!valid_name(s)) fail(field, "must be 1 to 64 of A-Z a-z 0-9 . _ -");
  return s;
}

std::vector<std::string> FileReader::names(const json& obj, const std::string& field,
                                           const char* key) const {
  std::vector<std::string> out;
  const auto it = obj.find(key);
  if (it == obj.end()) return out;
  const std::string path = field + "." + key;
  const json& list = array(*it, path, kMaxNamesPerPrincipal);
  for (std::size_t i = 0; i < list.size(); ++i) {
    std::string n = name(list[i], path + "[" + std::to_string(i) + "]");
    if (std::find(out.begin(), out.end(), n) != out.end()) {
      fail(path, "'" + n + "' twice");
    }
    out.push_back(std::move(n));
  }
  return out;
}

Timestamp FileReader::time(const json& v, const std::string& field) const {
  if (!v.is_string()) fail(field, "must be an RFC 3339 time string");
  const auto t = from_rfc3339(v.get_ref<const std::string&>());
  if (!t) fail(field, "must be an RFC 3339 time (2026-12-03T10:00:00Z)");
  static const Timestamp kEarliest = *from_rfc3339("1970-01-01T00:00:00Z");
  static const Timestamp kLatest = *from_rfc3339("9000-01-01T00:00:00Z");
  if (*t < kEarliest || *t >= kLatest) fail(field, "must be from 1970 to 8999");
  return *t;
}

std::string FileReader::printable(const std::string& s) {
  std::string out;
  for (char c : s.substr(0, kMaxNameLength)) out.push_back(name_char(c) ? c : '?');
  return out;
}

}  // namespace enroll::trust
