#include "apps/enrollmentd/config_file.hpp"

#include <fstream>
#include <set>

#include "apps/enrollmentd/config.hpp"
#include "apps/enrollmentd/setting_check.hpp"

namespace enroll::daemon {
namespace {

std::string read_bounded(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError("cannot be read");
  std::string text(kMaxConfigFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad()) throw UsageError("cannot be read");
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxConfigFileBytes) {
    throw UsageError("larger than " + std::to_string(kMaxConfigFileBytes) + " bytes");
  }
  return text;
}

// nlohmann's message without its prefix and without the bytes it last read (they are the
// file's, unbounded and not always printable).
std::string parse_reason(const nlohmann::json::parse_error& e) {
  std::string what = e.what();
  if (const auto end = what.find("; last read"); end != std::string::npos) what.resize(end);
  if (const auto start = what.find("] "); start != std::string::npos) what.erase(0, start + 2);
  return shown(what, 200);
}

}  // namespace

nlohmann::json read_config_file(const std::string& path) {
  const std::string text = read_bounded(path);
  std::set<std::string> keys;
  const auto guard = [&keys](int depth, nlohmann::json::parse_event_t event,
                             nlohmann::json& parsed) {
    if (depth > kMaxConfigDepth) {
      throw UsageError("nested deeper than " + std::to_string(kMaxConfigDepth) + " levels");
    }
    if (event == nlohmann::json::parse_event_t::key && depth == 1 &&
        !keys.insert(parsed.get<std::string>()).second) {
      throw UsageError("setting '" + shown(parsed.get<std::string>()) + "' is given twice");
    }
    return true;
  };
  try {
    auto j = nlohmann::json::parse(text, guard);
    if (!j.is_object()) throw UsageError("not a JSON object");
    return j;
  } catch (const nlohmann::json::parse_error& e) {
    throw UsageError("not JSON: " + parse_reason(e));
  }
}

}  // namespace enroll::daemon
