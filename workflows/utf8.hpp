#pragma once
// UTF-8 as RFC 3629 has it: no overlong forms, no surrogates, nothing above U+10FFFF. One
// reader for every check of untrusted text in the engine (canonical JSON, binary state
// records).
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace enroll {

// The code point starting at s[i] (advancing i past it), or -1 (i unchanged) if the bytes
// there are not UTF-8. i must be < s.size().
std::int32_t next_code_point(std::string_view s, std::size_t& i);

// Every byte of s is part of a UTF-8 character.
bool is_utf8(std::string_view s);

}  // namespace enroll
