#include "apps/enrollctl/audit_commands.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <stdexcept>

#include "errors/errc.hpp"
#include "workflows/audit_chain.hpp"

namespace enroll::ctl {
namespace {

using nlohmann::json;

// Registrations purged by the retention policy (id → when): their histories are gone from
// Redis, their trails are on enroll.audit. Not broken: verified from an export (--file).
using Purged = std::map<std::string, std::string>;

// Prints the report (human text or one JSON object); returns the exit code. `found`: false
// when the one registration asked for has no records at all, said as `not_found`.
int print_report(const GlobalOptions& options, const TrailReport& report, bool found,
                 const std::string& not_found, const Purged& purged = {}) {
  if (options.json) {
    json broken = json::array();
    for (const auto& [reg, b] : report.broken) {
      broken.push_back({{"registration_id", reg}, {"seq", b.seq}, {"why", b.why}});
    }
    json refused = json::array();
    for (const auto& [principal, n] : report.refused) {
      refused.push_back({{"principal", principal}, {"records", n}});
    }
    json gone = json::array();
    for (const auto& [reg, at] : purged) gone.push_back({{"registration_id", reg}, {"at", at}});
    json findings = json::array();
    for (const auto& f : report.findings) {
      findings.push_back({{"kind", f.kind}, {"subject", f.subject}, {"why", f.why}});
    }
    std::cout << json{{"ok", found && report.ok()}, {"registrations", report.registrations},
                      {"records", report.records},  {"checkpoints", report.checkpoints},
                      {"broken", broken},           {"findings", findings},
                      {"refused", refused},         {"purged", gone}}
                     .dump()
              << "\n";
    return found && report.ok() ? 0 : 1;
  }
  for (const auto& [reg, at] : purged) {
    std::cout << "purged: " << reg << " at " << at
              << ": its history is no longer kept; its trail is on enroll.audit (verify it with "
                 "--file)\n";
  }
  for (const auto& [principal, n] : report.refused) {
    std::cout << "refused: " << principal << ": " << n
              << " message(s) it may not send (not_authorised)\n";
  }
  if (!found) {
    std::cout << not_found << "\n";
  } else if (!purged.empty() && report.registrations == 0) {
    // Only purged ones asked for: nothing else to say.
  } else if (report.ok()) {
    std::cout << "intact: " << report.records << " records, " << report.registrations
              << " registration(s)"
              << (report.checkpoints > 0
                      ? ", anchored by " + std::to_string(report.checkpoints) + " checkpoint(s)"
                      : std::string())
              << "\n";
  } else {
    for (const auto& [reg, b] : report.broken) {
      std::cout << "broken: " << reg << " at seq " << b.seq << ": " << b.why << "\n";
    }
    for (const auto& f : report.findings) {
      std::cout << f.kind << ": " << f.subject << ": " << f.why << "\n";
    }
    if (!report.broken.empty()) {
      std::cout << report.broken.size() << " of " << report.registrations << " chain(s) broken\n";
    }
  }
  return found && report.ok() ? 0 : 1;
}

// A line on stderr now and then while a long walk runs: each second on a terminal (rewritten
// in place), each 5 s otherwise.
class Progress {
 public:
  void tick(std::size_t registrations, std::size_t records, bool last = false) {
    const auto now = std::chrono::steady_clock::now();
    if (!last && now - shown_ < (tty_ ? std::chrono::seconds(1) : std::chrono::seconds(5))) return;
    if (last && !shown_any_) return;  // short walks stay quiet
    shown_ = now;
    shown_any_ = true;
    std::fprintf(stderr, "%s[audit] %zu registrations, %zu records checked%s", tty_ ? "\r" : "",
                 registrations, records, tty_ && !last ? "" : "\n");
  }

 private:
  bool tty_ = ::isatty(STDERR_FILENO) == 1;
  std::chrono::steady_clock::time_point shown_ = std::chrono::steady_clock::now();
  bool shown_any_ = false;
};

// A history in Redis in its compact form (issue 16: no hashes, the whole records are on
// enroll.audit): its seq must run 1..n in order, without gaps or repeats.
std::optional<ChainBreak> verify_seq_run(const std::vector<json>& records) {
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto want = static_cast<std::int64_t>(i) + 1;
    const auto seq = records[i].value("seq", json());
    if (!seq.is_number_integer() || seq.get<std::int64_t>() != want) {
      return ChainBreak{want, "seq " + seq.dump() + " where " + std::to_string(want) +
                                  " belongs (a compact history: no hashes to check)"};
    }
  }
  return std::nullopt;
}

// One registration's state and history from the API into `report` (or `purged`). False if it
// is unknown.
bool check_registration(const ServiceClient& client, const std::string& id, TrailReport& report,
                        Purged& purged) {
  // The state first: the history may only have grown since (one commit step appends both).
  const auto status = client.get("/v1/registrations/" + url_encode(id));
  if (status.status == 404) return false;
  if (status.error_code() == Errc::registration_quarantined) {
    // Its stored state cannot be decoded: no head to check the chain against. Named, so that
    // the walk goes on and the operator looks (enrollctl list --status quarantined).
    ++report.registrations;
    report.broken.emplace(id, ChainBreak{1, "quarantined: " + status.error_text()});
    return true;
  }
  if (status.status != 200) throw status.error();
  const auto state = status.json();
  if (state.contains("purged_at") && state["purged_at"].is_string()) {
    purged.emplace(id, state["purged_at"].get<std::string>());
    return true;
  }
  json records = json::array();
  const auto history = fetch_history(client, id, records);
  // Purged in between: the state now says so (a tombstone stays one).
  if (history.status == 410) return check_registration(client, id, report, purged);
  if (history.status != 200) throw history.error();

  ++report.registrations;
  report.records += records.size();
  const auto counted = state.value("audit_records", std::int64_t{0});
  const auto head = state.value("audit_head", std::string{});
  std::vector<json> chain(records.begin(), records.end());
  count_refusals(chain, report);
  // Histories written since issue 16 keep no hashes: their seq run and count are checked
  // here, the hash chains from an export (--file). Older ones are whole records; one begun
  // before and continued after holds both: compact.
  const bool compact =
      std::any_of(chain.begin(), chain.end(), [](const json& r) { return !r.contains("hash"); });
  if (auto broken = compact ? verify_seq_run(chain) : verify_chain(chain)) {
    report.broken.emplace(id, *broken);
    return true;
  }
  // The chain links: does it reach the state's head?
  const auto dropped = history.json().value("dropped", std::int64_t{0});
  if (dropped > 0 && chain.empty() && dropped == counted) {
    // Issued: its history is not kept in Redis (issue 16); its trail is on enroll.audit.
    std::cerr << "not kept: " << id << ": its " << counted
              << " records are on enroll.audit only; verify them with --file\n";
  } else if (dropped > 0 && static_cast<std::int64_t>(chain.size()) + dropped == counted) {
    // Past the history's cap Redis keeps the first records only: the prefix is verified; the
    // rest is on enroll.audit.
    std::cerr << "capped: " << id << ": the first " << chain.size() << " of " << counted
              << " records are in Redis; verify the whole trail from enroll.audit with --file\n";
  } else if (static_cast<std::int64_t>(chain.size()) < counted) {
    report.broken.emplace(
        id, ChainBreak{static_cast<std::int64_t>(chain.size()) + 1,
                       "missing: the state counts " + std::to_string(counted) + " records"});
  } else if (!compact && counted > 0 &&
             chain[static_cast<std::size_t>(counted - 1)].value("hash", "") != head) {
    report.broken.emplace(id,
                          ChainBreak{counted, "the chain does not end at the state's audit head"});
  }
  return true;
}

}  // namespace

namespace {

// The public halves, each named by its file (<key id>.pub).
std::vector<CheckpointPublicKey> read_checkpoint_keys(const std::vector<std::string>& files) {
  std::vector<CheckpointPublicKey> keys;
  for (const auto& file : files) {
    std::ifstream in(file);
    std::string text(512, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    const auto key = parse_checkpoint_public_key(text);
    if (!key) {
      throw Error(Errc::bad_key, file + ": not an Ed25519 public key (base64 of 32 bytes)");
    }
    keys.push_back({std::filesystem::path(file).stem().string(), *key});
  }
  return keys;
}

}  // namespace

int run_audit_verify_file(const GlobalOptions& options, const std::string& file,
                          const std::optional<std::string>& id,
                          const std::vector<std::string>& checkpoint_keys) {
  const auto keys = read_checkpoint_keys(checkpoint_keys);
  std::ifstream in(file);
  if (!in) throw Error(Errc::io_failed, "cannot read " + file);
  std::vector<json> events;
  std::string line;
  for (std::size_t n = 1; std::getline(in, line); ++n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto e = json::parse(line, nullptr, false);
    if (e.is_discarded() || !e.contains("data") || !e["data"].is_object()) {
      throw Error(Errc::invalid_data,
                  file + ":" + std::to_string(n) + ": not an enroll.audit event");
    }
    // One registration's: its records, and the checkpoints (which may name it).
    if (id && !is_checkpoint_event(e) && e["data"].value("registration_id", "") != *id) continue;
    events.push_back(std::move(e));
  }
  auto report = verify_trail(events, keys);
  if (id) {  // what the checkpoints say of other registrations is not asked for
    std::erase_if(report.findings, [&](const auto& f) {
      return f.subject != *id && f.subject.rfind("event ", 0) != 0 &&
             f.subject.rfind("partition ", 0) != 0;
    });
  }
  return print_report(options, report, !id || report.registrations > 0,
                      id ? "no audit records of " + *id + " in " + file : "");
}

int run_audit_verify_service(const GlobalOptions& options, const ServiceOptions& service,
                             const std::optional<std::string>& id) {
  const auto client = client_of(service);
  TrailReport report;
  Purged purged;
  if (id) {
    if (!check_registration(client, *id, report, purged)) {
      return print_report(options, report, false, "no registration " + *id);
    }
    return print_report(options, report, true, "", purged);
  }
  Progress progress;
  std::set<std::string> seen;  // one that changes during the walk is listed again, later
  std::string cursor;
  for (;;) {  // every page of the listing (all registrations, by last change)
    const auto page_r = client.get("/v1/registrations?limit=1000" +
                                   (cursor.empty() ? "" : "&cursor=" + url_encode(cursor)));
    if (page_r.status != 200) return refused(options, page_r);
    const auto page = page_r.json();
    for (const auto& item : page.at("items")) {
      // One listed but gone since cannot happen (states are not deleted); say so if it does.
      const auto reg = item.at("id").get<std::string>();
      if (!seen.insert(reg).second) continue;
      if (!check_registration(client, reg, report, purged)) {
        ++report.registrations;
        report.broken.emplace(reg, ChainBreak{1, "listed, but its state is missing"});
      }
      progress.tick(report.registrations, report.records);
    }
    if (page.at("next_cursor").is_null()) break;
    cursor = page.at("next_cursor").get<std::string>();
  }
  progress.tick(report.registrations, report.records, true);
  // Tombstones leave the listing's indexes, but one may be purged while the walk runs.
  return print_report(options, report, true, "", purged);
}

}  // namespace enroll::ctl
