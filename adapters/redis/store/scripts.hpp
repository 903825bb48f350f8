#pragma once
// The Store's Lua scripts (this folder), embedded at build time.
#include <string_view>

namespace enroll::redis {
std::string_view commit_script();         // replay.lua, then commit.lua
std::string_view citizen_claim_script();  // citizen_claim.lua
std::string_view park_script();           // park.lua
std::string_view quarantine_script();     // quarantine.lua
std::string_view checkpoint_script();     // replay.lua, then checkpoint.lua
}  // namespace enroll::redis
