#include "workflows/audit_chain.hpp"

#include <algorithm>
#include <set>

#include "workflows/crypto/hashing.hpp"

namespace enroll {

std::optional<ChainBreak> verify_chain(std::vector<nlohmann::json> records) {
  std::sort(records.begin(), records.end(), [](const auto& a, const auto& b) {
    return a.value("seq", std::int64_t{0}) < b.value("seq", std::int64_t{0});
  });
  std::string prev;
  std::int64_t expect = 1;
  for (const auto& rec : records) {
    const auto seq = rec.value("seq", std::int64_t{0});
    if (seq != expect) {
      return ChainBreak{seq, seq < expect ? "seq " + std::to_string(seq) + " appears twice"
                                          : "seq " + std::to_string(expect) + " is missing"};
    }
    ++expect;
    if (rec.value("prev_hash", "") != prev) {
      return ChainBreak{seq, "prev_hash is not the hash of the record before"};
    }
    auto body = rec;
    body.erase("hash");
    if (crypto::sha256_hex(prev + body.dump()) != rec.value("hash", "")) {
      return ChainBreak{seq, "hash does not match the record (altered)"};
    }
    prev = rec.value("hash", "");
  }
  return std::nullopt;
}

void count_refusals(const std::vector<nlohmann::json>& records, TrailReport& report) {
  for (const auto& rec : records) {
    if (rec.value("outcome", "").rfind("not_authorised", 0) != 0) continue;
    const auto actor = rec.value("actor", nlohmann::json::object());
    const auto principal = actor.is_object() ? actor.value("principal", "") : std::string();
    ++report.refused[principal.empty() ? "(no principal)" : principal];
  }
}

TrailReport verify_trail(const std::vector<nlohmann::json>& events) {
  std::map<std::string, std::vector<nlohmann::json>> chains;
  std::set<std::string> seen;
  TrailReport report;
  for (const auto& e : events) {
    if (!seen.insert(e.value("id", "")).second) continue;  // re-sent from an outbox
    const auto& data = e.at("data");
    chains[data.value("registration_id", "")].push_back(data);
    ++report.records;
  }
  report.registrations = chains.size();
  for (auto& [id, records] : chains) {
    count_refusals(records, report);
    if (auto broken = verify_chain(std::move(records))) report.broken.emplace(id, *broken);
  }
  return report;
}

}  // namespace enroll
