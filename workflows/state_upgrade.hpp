#pragma once
// The stored state's format version ("v" in its JSON) and the upgrades from older ones.
// A record without "v" was written before versions existed: version 0. When the stored form
// changes, bump state_format_version and add the upgrade from the previous version to the
// table in state_upgrade.cpp; records are upgraded as they are read and stored in the new
// form at their next change. A version newer than the code is not guessed at: the record is
// refused (StateDecodeError) and quarantined.
#include <nlohmann/json_fwd.hpp>

namespace enroll {

inline constexpr int state_format_version = 3;

// `record` (a JSON object) brought to state_format_version through each upgrade in turn, "v"
// set. Throws StateDecodeError for a "v" that is not a whole number from 0 to
// state_format_version.
nlohmann::json upgrade_state(nlohmann::json record);

}  // namespace enroll
