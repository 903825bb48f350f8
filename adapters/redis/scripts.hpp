#pragma once
// The Lua scripts of this folder, embedded at build time (the Store's are store/scripts.hpp).
#include <string_view>

namespace enroll::redis {
std::string_view list_script();  // list.lua (read-only)
}  // namespace enroll::redis
