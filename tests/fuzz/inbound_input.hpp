#pragma once
// The input of inbound_fuzz: an inbox record's key, the stored state it applies to, and the
// record's value, as one byte string: KEY \0 STATE \0 VALUE. STATE is a stored state's JSON
// (state_to_json) or empty for a registration never seen; VALUE is the rest, NULs and all.
// Fewer than two NULs: everything is the value (no key, no state). make_corpus writes the
// seeds in this form; libFuzzer mutates all three parts.
#include <string>
#include <string_view>

namespace enroll::fuzz {

struct InboundInput {
  std::string_view key;
  std::string_view state;
  std::string_view value;
};

inline InboundInput split_inbound(std::string_view bytes) {
  const auto first = bytes.find('\0');
  const auto second = first == std::string_view::npos ? first : bytes.find('\0', first + 1);
  if (second == std::string_view::npos) return {{}, {}, bytes};
  return {bytes.substr(0, first), bytes.substr(first + 1, second - first - 1),
          bytes.substr(second + 1)};
}

inline std::string join_inbound(std::string_view key, std::string_view state,
                                std::string_view value) {
  std::string out(key);
  out += '\0';
  out += state;
  out += '\0';
  out += value;
  return out;
}

}  // namespace enroll::fuzz
