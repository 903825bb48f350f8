#include "service/http/registration_filter.hpp"

#include <algorithm>

#include "service/http/duration.hpp"
#include "service/http/message.hpp"
#include "service/http/query.hpp"

namespace enroll::http {
namespace {

std::string names_of_phases() {
  std::string out;
  for (auto p : all_phases) out += (out.empty() ? "" : ", ") + std::string(to_string(p));
  return out;
}

// `name`'s value if given, which must be one of `known`.
std::optional<std::string> one_of(const std::map<std::string, std::string>& query,
                                  const std::string& name, const std::vector<std::string>& known) {
  const auto value = query_value(query, name);
  if (value && std::find(known.begin(), known.end(), *value) == known.end()) {
    std::string names;
    for (const auto& k : known) names += (names.empty() ? "" : ", ") + k;
    throw RequestError(Errc::bad_filter, "unknown " + name + " '" + *value + "'; one of " + names);
  }
  return value;
}

}  // namespace

FilterNames filter_names(const DefinitionCatalog& catalog) {
  FilterNames names;
  names.channels = catalog.channels();
  for (const auto* def : catalog.all()) {
    for (const auto& step : def->steps) {
      if (std::find(names.steps.begin(), names.steps.end(), step.name) == names.steps.end()) {
        names.steps.push_back(step.name);
      }
    }
  }
  return names;
}

redis::ListFilter parse_filter(const std::map<std::string, std::string>& query,
                               const FilterNames& names, Timestamp now) {
  redis::ListFilter filter;
  if (const auto text = query_value(query, "phase")) {
    filter.phase = phase_from(*text);
    if (!filter.phase) {
      throw RequestError(Errc::bad_filter,
                         "unknown phase '" + *text + "'; one of " + names_of_phases());
    }
  }
  if (const auto text = query_value(query, "status")) {
    // Parsed by the engine's own names, so that a new status is a filter as soon as it exists.
    filter.status = status_from(*text);
    if (!filter.status) {
      throw RequestError(Errc::bad_filter, "unknown status '" + *text + "'");
    }
  }
  filter.channel = one_of(query, "channel", names.channels);
  filter.step = one_of(query, "step", names.steps);
  if (const auto text = query_value(query, "stuck_for")) {
    const auto d = parse_duration(*text);
    if (!d) {
      throw RequestError(Errc::bad_duration,
                         "stuck_for '" + *text + "' is not a duration such as 90s, 15m, 2h, 1d");
    }
    // Stuck: no change for longer than the duration; without a status, active ones.
    filter.changed_before = now - *d;
    if (!filter.status) filter.status = Status::active;
  }
  return filter;
}

bool matches(const Registration& r, const redis::ListFilter& f) {
  return (!f.phase || r.phase == *f.phase) && (!f.status || r.status() == *f.status) &&
         (!f.channel || r.channel == *f.channel) && (!f.step || r.step == *f.step) &&
         (!f.changed_before || r.updated_at <= *f.changed_before);
}

}  // namespace enroll::http
