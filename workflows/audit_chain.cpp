#include "workflows/audit_chain.hpp"

#include <algorithm>
#include <set>

#include "workflows/crypto/canonical_json.hpp"
#include "workflows/effects.hpp"

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
    if (rec.contains("v") && rec.at("v") != kAuditFormat) {
      return ChainBreak{seq, "unknown record format " + rec.at("v").dump()};
    }
    std::string hash;
    try {
      hash = audit_hash_of(rec);
    } catch (const crypto::CanonicalJsonError& e) {
      return ChainBreak{seq, std::string("no canonical form: ") + e.what()};
    }
    if (hash != rec.value("hash", "")) {
      return ChainBreak{seq, "hash does not match the record (altered)"};
    }
    prev = rec.value("hash", "");
  }
  return std::nullopt;
}

namespace {

// The member `name` of `j` if it is a string, else "" (records from an export are hostile).
std::string string_of(const nlohmann::json& j, const char* name) {
  const auto it = j.is_object() ? j.find(name) : j.end();
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// What verify_chain and the anchoring read of a record, of the right types.
bool well_formed_record(const nlohmann::json& r) {
  const auto is_string = [&](const char* name) { return r.contains(name) && r[name].is_string(); };
  return r.is_object() && is_string("registration_id") && !r["registration_id"].empty() &&
         r.contains("seq") && r["seq"].is_number_integer() && r["seq"].get<std::int64_t>() >= 1 &&
         is_string("prev_hash") && is_string("hash");
}

}  // namespace

void count_refusals(const std::vector<nlohmann::json>& records, TrailReport& report) {
  for (const auto& rec : records) {
    if (string_of(rec, "outcome").rfind("not_authorised", 0) != 0) continue;
    const auto it = rec.find("actor");
    const auto principal = it != rec.end() ? string_of(*it, "principal") : std::string();
    ++report.refused[principal.empty() ? "(no principal)" : principal];
  }
}

bool is_checkpoint_event(const nlohmann::json& event) {
  const auto type = string_of(event, "type");
  static constexpr std::string_view kType = "audit.checkpoint";
  return type.size() >= kType.size() &&
         type.compare(type.size() - kType.size(), kType.size(), kType) == 0;
}

namespace {

using Chains = std::map<std::string, std::vector<nlohmann::json>>;

// Each partition's checkpoints, by number: consecutive, each naming its predecessor's root.
void check_checkpoint_runs(const std::vector<CheckedCheckpoint>& checked, TrailReport& report) {
  std::map<std::int32_t, std::map<std::int64_t, const CheckedCheckpoint*>> runs;
  auto name = [](std::int32_t p, std::int64_t n) {
    return "partition " + std::to_string(p) + " checkpoint " + std::to_string(n);
  };
  for (const auto& c : checked) {
    auto [it, fresh] = runs[c.checkpoint.partition].emplace(c.checkpoint.number, &c);
    if (!fresh && it->second->root != c.root) {
      report.findings.push_back({"checkpoint_fork",
                                 name(c.checkpoint.partition, c.checkpoint.number),
                                 "two checkpoints of that number with different roots"});
    }
  }
  for (const auto& [partition, run] : runs) {
    const CheckedCheckpoint* before = nullptr;
    for (const auto& [number, c] : run) {
      if (before == nullptr) {
        // The export may begin after the first checkpoints (retention); number 1 names none.
        if (number == 1 && !c->checkpoint.prev_root.empty()) {
          report.findings.push_back({"checkpoint_gap", name(partition, number),
                                     "the first checkpoint names a predecessor"});
        }
      } else if (number != before->checkpoint.number + 1) {
        report.findings.push_back({"checkpoint_gap", name(partition, before->checkpoint.number + 1),
                                   "missing: the checkpoints go from " +
                                       std::to_string(before->checkpoint.number) + " to " +
                                       std::to_string(number)});
      } else if (c->checkpoint.prev_root != before->root) {
        report.findings.push_back({"checkpoint_gap", name(partition, number),
                                   "prev_root is not the root of checkpoint " +
                                       std::to_string(before->checkpoint.number)});
      }
      before = c;
    }
  }
}

// Every checkpointed head against the records, and every chain's last record against the
// checkpointed heads. `chains` is sorted by seq (verify_chain's order).
void check_anchors(const std::vector<CheckedCheckpoint>& checked, const Chains& chains,
                   TrailReport& report) {
  std::map<std::string, std::map<std::int64_t, std::string>> anchored;  // reg → seq → hash
  std::set<std::pair<std::string, std::string>> named;  // (kind, registration): once each
  auto find = [&](std::string kind, const std::string& reg, std::string why) {
    if (named.emplace(kind, reg).second) {
      report.findings.push_back({std::move(kind), reg, std::move(why)});
    }
  };
  for (const auto& c : checked) {
    const auto where = "checkpoint " + std::to_string(c.checkpoint.number) + " of partition " +
                       std::to_string(c.checkpoint.partition);
    for (const auto& leaf : c.checkpoint.leaves) {
      anchored[leaf.registration_id][leaf.seq] = leaf.hash;
      const auto chain = chains.find(leaf.registration_id);
      if (chain == chains.end()) {
        find("dropped_chain", leaf.registration_id,
             where + " names its record " + std::to_string(leaf.seq) + "; the export has none");
        continue;
      }
      const auto& records = chain->second;
      const auto last = records.back().value("seq", std::int64_t{0});
      if (leaf.seq > last) {
        find("cut_tail", leaf.registration_id,
             where + " names record " + std::to_string(leaf.seq) + "; the export ends at " +
                 std::to_string(last));
        continue;
      }
      const auto at = std::find_if(records.begin(), records.end(), [&](const auto& r) {
        return r.value("seq", std::int64_t{0}) == leaf.seq;
      });
      if (at == records.end() || at->value("hash", "") != leaf.hash) {
        find("rewritten_history", leaf.registration_id,
             "record " + std::to_string(leaf.seq) + " differs from its head in " + where);
      }
    }
  }
  for (const auto& [reg, records] : chains) {
    const auto seq = records.back().value("seq", std::int64_t{0});
    const auto heads = anchored.find(reg);
    if (heads == anchored.end() || !heads->second.contains(seq)) {
      find("unanchored_head", reg,
           "its last record " + std::to_string(seq) + " is in no checkpoint (yet)");
    }
  }
}

}  // namespace

TrailReport verify_trail(const std::vector<nlohmann::json>& events,
                         std::span<const CheckpointPublicKey> keys) {
  Chains chains;
  std::set<std::string> seen;
  TrailReport report;
  std::vector<CheckedCheckpoint> checked;
  for (const auto& e : events) {
    const auto id = string_of(e, "id");
    if (!id.empty() && !seen.insert(id).second) continue;  // re-sent from an outbox
    const auto data_it = e.is_object() ? e.find("data") : e.end();
    if (is_checkpoint_event(e)) {
      if (keys.empty()) continue;
      auto result = check_checkpoint(data_it != e.end() ? *data_it : nlohmann::json(), keys);
      if (auto* refused = std::get_if<CheckpointRefusal>(&result)) {
        report.findings.push_back({refused->kind, "event " + id, refused->why});
      } else {
        checked.push_back(std::move(std::get<CheckedCheckpoint>(result)));
        ++report.checkpoints;
      }
      continue;
    }
    if (data_it == e.end() || !well_formed_record(*data_it)) {
      report.findings.push_back({"malformed_record", "event " + id,
                                 "registration_id, seq, prev_hash or hash missing or mistyped"});
      continue;
    }
    const auto& data = *data_it;
    chains[data["registration_id"].get<std::string>()].push_back(data);
    ++report.records;
  }
  report.registrations = chains.size();
  for (auto& [id, records] : chains) {
    count_refusals(records, report);
    std::sort(records.begin(), records.end(), [](const auto& a, const auto& b) {
      return a.value("seq", std::int64_t{0}) < b.value("seq", std::int64_t{0});
    });
    if (auto broken = verify_chain(records)) report.broken.emplace(id, *broken);
  }
  if (!keys.empty()) {
    check_checkpoint_runs(checked, report);
    check_anchors(checked, chains, report);
  }
  return report;
}

}  // namespace enroll
