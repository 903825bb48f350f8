// state_from_record: a stored record's bytes, bounded before they are parsed. Records are
// hostile input too (a hand edit, a bug of another version, a Redis shared with someone
// else): too large or too deep is refused before a DOM is built, and nlohmann's messages,
// which quote what they read, are not passed on.
#include <nlohmann/json.hpp>

#include "workflows/state.hpp"
#include "workflows/state_fields.hpp"

namespace enroll {
namespace {

// A real state is ~3 KB as JSON (a tombstone ~1 KB), ~1 KB binary; nothing legitimate comes near
// this.
constexpr std::size_t max_record_bytes = std::size_t{1} << 20;
// A state nests 3 levels deep; the parser builds its tree on a stack of its own, but whatever
// walks the tree afterwards may recurse.
constexpr int max_record_depth = 32;

}  // namespace

Registration state_from_record(std::string_view record, const crypto::FieldCipher* cipher) {
  if (record.size() > max_record_bytes) {
    throw StateDecodeError("record too large (" + std::to_string(record.size()) +
                           " bytes, at most " + std::to_string(max_record_bytes) + ")");
  }
  if (!record.empty() && static_cast<std::uint8_t>(record.front()) == binary_state_mark) {
    return state_from_binary(record, cipher);
  }
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(
        record, [](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
          if (depth > max_record_depth) {
            throw StateDecodeError("record nested too deep (more than " +
                                   std::to_string(max_record_depth) + " levels)");
          }
          return true;
        });
  } catch (const nlohmann::json::parse_error& e) {
    // e.what() quotes the bytes last read: only the position is passed on.
    throw StateDecodeError("not valid JSON (at byte " + std::to_string(e.byte) + ")");
  } catch (const nlohmann::json::exception& e) {
    // The parser's other refusals (e.g. out_of_range 406, a number no double holds).
    throw StateDecodeError("not readable JSON (nlohmann error " + std::to_string(e.id) + ")");
  }
  return state_from_json(j, cipher);
}

}  // namespace enroll
