#include "apps/enrollctl/audit_commands.hpp"

#include <fstream>
#include <iostream>
#include <stdexcept>

#include "workflows/audit_chain.hpp"

namespace enroll::ctl {

int run_audit_verify_file(const GlobalOptions& options, const std::string& file,
                          const std::optional<std::string>& id) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("cannot read " + file);
  std::vector<nlohmann::json> events;
  std::string line;
  for (std::size_t n = 1; std::getline(in, line); ++n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto e = nlohmann::json::parse(line, nullptr, false);
    if (e.is_discarded() || !e.contains("data") || !e["data"].is_object()) {
      throw std::runtime_error(file + ":" + std::to_string(n) + ": not an audit.record event");
    }
    if (id && e["data"].value("registration_id", "") != *id) continue;
    events.push_back(std::move(e));
  }
  const auto report = verify_trail(events);
  const bool found = !id || report.registrations > 0;
  if (options.json) {
    nlohmann::json broken = nlohmann::json::array();
    for (const auto& [reg, b] : report.broken) {
      broken.push_back({{"registration_id", reg}, {"seq", b.seq}, {"why", b.why}});
    }
    std::cout << nlohmann::json{{"ok", found && report.broken.empty()},
                                {"registrations", report.registrations},
                                {"records", report.records},
                                {"broken", broken}}
                     .dump()
              << "\n";
  } else if (!found) {
    std::cout << "no audit records of " << *id << " in " << file << "\n";
  } else if (report.broken.empty()) {
    std::cout << "intact: " << report.records << " records, " << report.registrations
              << " registration(s)\n";
  } else {
    for (const auto& [reg, b] : report.broken) {
      std::cout << "broken: " << reg << " at seq " << b.seq << ": " << b.why << "\n";
    }
    std::cout << report.broken.size() << " of " << report.registrations << " chain(s) broken\n";
  }
  return found && report.broken.empty() ? 0 : 1;
}

}  // namespace enroll::ctl
