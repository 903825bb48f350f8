#include "adapters/redis/history_record.hpp"

#include <charconv>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "workflows/time.hpp"

namespace enroll::redis {
namespace {

constexpr std::size_t field_count = 11;

// The first field_count - 1 tab-separated fields and the rest (the outcome, free text).
std::vector<std::string_view> fields_of(std::string_view text) {
  std::vector<std::string_view> fields;
  while (fields.size() + 1 < field_count) {
    const auto tab = text.find('\t');
    if (tab == std::string_view::npos) break;
    fields.push_back(text.substr(0, tab));
    text.remove_prefix(tab + 1);
  }
  fields.push_back(text);
  return fields;
}

std::optional<std::int64_t> number(std::string_view text) {
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return n;
}

// An RFC 3339 time for ms since the epoch within years 0000..9999 (what to_rfc3339 writes as
// four digits); nullopt past them (a hostile record: the text is shown as stored).
std::optional<std::string> rfc3339_of(std::string_view text) {
  constexpr std::int64_t first_ms = -62167219200000;  // 0000-01-01T00:00:00.000Z
  constexpr std::int64_t last_ms = 253402300799999;   // 9999-12-31T23:59:59.999Z
  const auto ms = number(text);
  if (!ms || *ms < first_ms || *ms > last_ms) return std::nullopt;
  return to_rfc3339(from_millis(*ms));
}

}  // namespace

std::string history_record_json(std::string_view stored, std::string_view id) {
  using nlohmann::json;
  const auto malformed = [&] {
    return json{{"malformed", true}, {"stored", std::string(stored)}}.dump(
        -1, ' ', false, json::error_handler_t::replace);
  };
  if (!stored.empty() && stored.front() == '{') {
    return json::accept(stored) ? std::string(stored) : malformed();
  }
  const auto f = fields_of(stored);
  const auto seq = f.size() == field_count ? number(f[0]) : std::nullopt;
  if (!seq) return malformed();
  auto at = rfc3339_of(f[1]);
  json actor{{"role", f[2]}, {"principal", f[3]}};
  if (f[4].starts_with("o:")) actor["officer"] = f[4].substr(2);
  if (f[4].starts_with("p:")) actor["operator"] = f[4].substr(2);
  std::string cause(f[5]);
  if (cause.starts_with('~')) cause.replace(0, 1, id);
  if (cause.starts_with('!')) cause.erase(0, 1);
  const std::string_view to = f[7];
  std::string_view phase = f[8], step = f[9];
  // Both empty: `to` was '<phase>/<step>' (or all three were empty).
  if (const auto slash = to.find('/');
      phase.empty() && step.empty() && slash != std::string_view::npos) {
    phase = to.substr(0, slash);
    step = to.substr(slash + 1);
  }
  return json{{"seq", *seq},
              {"at", at ? std::move(*at) : std::string(f[1])},
              {"actor", std::move(actor)},
              {"cause", std::move(cause)},
              {"from", f[6].empty() ? to : f[6]},
              {"to", to},
              {"phase", phase},
              {"step", step},
              {"outcome", f[10]}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace enroll::redis
