#include "workflows/state_upgrade.hpp"

#include <array>
#include <nlohmann/json.hpp>
#include <string>

#include "workflows/state.hpp"

namespace enroll {
namespace {

using nlohmann::json;
using Upgrade = void (*)(json&);

// 0 -> 1: version 1 only added "v" itself.
void from_v0(json& /*record*/) {}

// upgrades[n] brings a record of version n to n + 1.
constexpr std::array<Upgrade, state_format_version> upgrades{&from_v0};

}  // namespace

json upgrade_state(json record) {
  int version = 0;
  if (const auto it = record.find("v"); it != record.end()) {
    if (!it->is_number_integer() || it->get<std::int64_t>() < 0) {
      throw StateDecodeError("field 'v': not a format version");
    }
    if (it->get<std::int64_t>() > state_format_version) {
      throw StateDecodeError("format version " + std::to_string(it->get<std::int64_t>()) +
                             " is newer than this code's (" + std::to_string(state_format_version) +
                             ")");
    }
    version = static_cast<int>(it->get<std::int64_t>());
  }
  for (; version < state_format_version; ++version) upgrades.at(version)(record);
  record["v"] = state_format_version;
  return record;
}

}  // namespace enroll
