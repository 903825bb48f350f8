#pragma once
// The text of commit.lua, embedded at build time.
#include <string_view>

namespace enroll::redis {
std::string_view commit_script();
}
