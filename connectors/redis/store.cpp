#include "connectors/redis/store.hpp"

#include <nlohmann/json.hpp>

#include "connectors/redis/keyspace.hpp"
#include "connectors/redis/script.hpp"
#include "connectors/redis/scripts.hpp"

namespace enroll::redis {

Store::Store(Client& client, std::string ns)
    : client_(client),
      ns_(std::move(ns)),
      commit_sha_(load_script(client_, commit_script())),
      claim_sha_(load_script(client_, citizen_claim_script())) {}

std::string Store::key(std::int32_t partition, const std::string& suffix) const {
  return keys::partition_key(ns_, partition, suffix);
}

std::string Store::state_key(std::int32_t partition, const RegistrationId& id) const {
  return key(partition, "reg:" + id.str());
}

Reply Store::evalsha(std::string& sha, std::string_view script, std::vector<std::string>& argv) {
  return eval_script(client_, sha, script, argv);
}

PartitionClaim Store::claim(std::int32_t partition) {
  client_.append({"INCR", key(partition, "epoch")});
  client_.append({"GET", key(partition, "offset")});
  auto epoch = client_.read_reply();
  auto offset = client_.read_reply();
  if (epoch->type != REDIS_REPLY_INTEGER) throw RedisError("claim: unexpected INCR reply", false);
  PartitionClaim c{epoch->integer, std::nullopt};
  if (offset->type == REDIS_REPLY_STRING)
    c.next_offset = std::stoll(std::string(offset->str, offset->len));
  return c;
}

std::map<RegistrationId, std::optional<Registration>> Store::load(
    std::int32_t partition, const std::vector<RegistrationId>& ids) {
  std::map<RegistrationId, std::optional<Registration>> out;
  if (ids.empty()) return out;
  std::vector<std::string> argv{"MGET"};
  for (const auto& id : ids) argv.push_back(state_key(partition, id));
  auto r = client_.command(argv);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const redisReply* e = r->element[i];
    if (e->type == REDIS_REPLY_STRING) {
      out[ids[i]] = state_from_json(nlohmann::json::parse(e->str, e->str + e->len));
    } else {
      out[ids[i]] = std::nullopt;
    }
  }
  return out;
}

std::vector<std::string> Store::commit(std::int32_t partition, std::int64_t epoch,
                                       std::optional<std::int64_t> next_offset,
                                       const std::vector<Registration>& states,
                                       const std::vector<codec::OutboxMessage>& outbox) {
  std::vector<std::string> argv{"EVALSHA",
                                commit_sha_,
                                std::to_string(4 + states.size()),
                                key(partition, "epoch"),
                                key(partition, "offset"),
                                key(partition, "outbox"),
                                key(partition, "timers")};
  for (const auto& s : states) argv.push_back(state_key(partition, s.id));
  argv.push_back(std::to_string(epoch));
  argv.push_back(next_offset ? std::to_string(*next_offset) : std::string());
  argv.push_back(std::to_string(states.size()));
  argv.push_back(keys::partition_prefix(ns_, partition));
  for (const auto& s : states) {
    argv.push_back(state_to_json(s).dump());
    argv.push_back(s.id.str());
    const auto due = s.next_timer();
    argv.push_back(due ? std::to_string(to_millis(*due)) : std::string());
    // What the read side's indexes and funnel need (see commit.lua).
    argv.push_back(s.channel);
    argv.emplace_back(to_string(s.phase));
    argv.emplace_back(to_string(s.status()));
    argv.push_back(std::to_string(to_millis(s.updated_at)));
  }
  for (const auto& m : outbox) {
    argv.push_back(m.topic);
    argv.push_back(m.key);
    argv.push_back(m.value);
    argv.push_back(m.history);
  }
  Reply r;
  try {
    r = evalsha(commit_sha_, commit_script(), argv);
  } catch (const RedisError& e) {
    if (std::string_view(e.what()).find("STALE_EPOCH") != std::string_view::npos) {
      throw StaleEpochError(partition);
    }
    throw;
  }
  std::vector<std::string> ids;
  ids.reserve(r->elements);
  for (std::size_t i = 0; i < r->elements; ++i) {
    ids.emplace_back(r->element[i]->str, r->element[i]->len);
  }
  return ids;
}

std::map<std::int32_t, std::vector<RegistrationId>> Store::due_timers(
    const std::vector<std::int32_t>& partitions, Timestamp now, std::size_t limit) {
  std::map<std::int32_t, std::vector<RegistrationId>> out;
  for (auto p : partitions) {
    client_.append({"ZRANGEBYSCORE", key(p, "timers"), "-inf", std::to_string(to_millis(now)),
                    "LIMIT", "0", std::to_string(limit)});
  }
  for (auto p : partitions) {
    auto r = client_.read_reply();
    if (r->type != REDIS_REPLY_ARRAY) continue;
    for (std::size_t i = 0; i < r->elements; ++i) {
      out[p].emplace_back(std::string(r->element[i]->str, r->element[i]->len));
    }
  }
  return out;
}

bool Store::claim_citizen(const std::string& citizen_hash, const RegistrationId& id,
                          std::chrono::seconds ttl) {
  std::vector<std::string> argv{"EVALSHA",
                                claim_sha_,
                                "1",
                                ns_ + ":citizen:" + citizen_hash,
                                id.str(),
                                "claim",
                                std::to_string(ttl.count())};
  auto r = evalsha(claim_sha_, citizen_claim_script(), argv);
  return r->type == REDIS_REPLY_INTEGER && r->integer == 1;
}

void Store::release_citizen(const std::string& citizen_hash, const RegistrationId& id) {
  std::vector<std::string> argv{"EVALSHA", claim_sha_, "1", ns_ + ":citizen:" + citizen_hash,
                                id.str(),  "release"};
  evalsha(claim_sha_, citizen_claim_script(), argv);
}

std::vector<OutboxEntry> Store::pending_outbox(std::int32_t partition) {
  auto r = client_.command({"XRANGE", key(partition, "outbox"), "-", "+"});
  std::vector<OutboxEntry> out;
  for (std::size_t i = 0; i < r->elements; ++i) {
    const redisReply* entry = r->element[i];
    OutboxEntry e;
    e.entry_id.assign(entry->element[0]->str, entry->element[0]->len);
    const redisReply* fields = entry->element[1];
    for (std::size_t f = 0; f + 1 < fields->elements; f += 2) {
      const std::string name(fields->element[f]->str, fields->element[f]->len);
      std::string value(fields->element[f + 1]->str, fields->element[f + 1]->len);
      if (name == "t")
        e.message.topic = std::move(value);
      else if (name == "k")
        e.message.key = std::move(value);
      else if (name == "v")
        e.message.value = std::move(value);
    }
    out.push_back(std::move(e));
  }
  return out;
}

void Store::ack_outbox(std::int32_t partition, const std::vector<std::string>& entry_ids) {
  if (entry_ids.empty()) return;
  std::vector<std::string> argv{"XDEL", key(partition, "outbox")};
  argv.insert(argv.end(), entry_ids.begin(), entry_ids.end());
  client_.command(argv);
}

}  // namespace enroll::redis
