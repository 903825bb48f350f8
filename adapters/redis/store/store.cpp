#include "adapters/redis/store/store.hpp"

#include <spdlog/spdlog.h>

#include <charconv>

#include "adapters/redis/keyspace.hpp"
#include "adapters/redis/script.hpp"
#include "adapters/redis/store/scripts.hpp"
#include "statemachines/lifecycle.hpp"
#include "workflows/crypto/field_cipher.hpp"

namespace enroll::redis {

namespace {

// Where a sealed outbox value is bound: its topic and key.
std::string outbox_place(const codec::OutboxMessage& m) {
  return "outbox/" + m.topic + "/" + m.key;
}

}  // namespace

Store::Store(Router& redis, std::string ns, const crypto::FieldCipher* field_cipher)
    : redis_(redis),
      ns_(std::move(ns)),
      field_cipher_(field_cipher),
      commit_sha_(load_script(redis_, commit_script())),
      claim_sha_(load_script(redis_, citizen_claim_script())),
      park_sha_(load_script(redis_, park_script())),
      quarantine_sha_(load_script(redis_, quarantine_script())),
      checkpoint_sha_(load_script(redis_, checkpoint_script())) {}

std::string Store::key(std::int32_t partition, const std::string& suffix) const {
  return keys::partition_key(ns_, partition, suffix);
}

std::string Store::state_key(std::int32_t partition, const RegistrationId& id) const {
  return key(partition, std::string(keys::state) + id.str());
}

PartitionClaim Store::claim(std::int32_t partition) {
  auto replies = redis_.pipeline({{{key(partition, "epoch")}, {"INCR", key(partition, "epoch")}},
                                  {{key(partition, "offset")}, {"GET", key(partition, "offset")}}});
  const auto& epoch = replies[0];
  const auto& offset = replies[1];
  if (epoch->type != REDIS_REPLY_INTEGER)
    throw RedisError(Errc::redis_refused, "claim: unexpected INCR reply");
  PartitionClaim c{epoch->integer, std::nullopt};
  if (offset->type == REDIS_REPLY_STRING)
    c.next_offset = std::stoll(std::string(offset->str, offset->len));
  return c;
}

LoadedStates Store::load(std::int32_t partition, std::int64_t epoch,
                         const std::vector<RegistrationId>& ids) {
  LoadedStates out;
  std::vector<RegistrationId> to_read = ids;
  // A record that changed under a quarantine is read again; three reads are plenty (only a
  // hand edit can change a state key of a partition this instance owns).
  for (int round = 0; round < 3 && !to_read.empty(); ++round) {
    // One partition's keys share a slot: one MGET of the states and one EXISTS per
    // quarantine key, pipelined to one node, in one round trip.
    std::vector<std::string> mget{"MGET"};
    for (const auto& id : to_read) mget.push_back(state_key(partition, id));
    std::vector<RoutedCommand> commands{{{mget[1]}, mget}};
    for (const auto& id : to_read) {
      const auto q = key(partition, std::string(keys::quarantine) + id.str());
      commands.push_back({{q}, {"EXISTS", q}});
    }
    const auto replies = redis_.pipeline(commands);
    for (const auto& r : replies) {
      if (r->type == REDIS_REPLY_ERROR) throw error_reply(std::string_view(r->str, r->len));
    }
    if (replies[0]->type != REDIS_REPLY_ARRAY || replies[0]->elements != to_read.size()) {
      throw RedisError(Errc::redis_refused, "load: unexpected MGET reply");
    }
    std::vector<RegistrationId> changed;
    for (std::size_t i = 0; i < to_read.size(); ++i) {
      const auto& id = to_read[i];
      const redisReply* e = replies[0]->element[i];
      if (replies[i + 1]->type == REDIS_REPLY_INTEGER && replies[i + 1]->integer != 0) {
        out.quarantined.insert(id);
      } else if (e->type != REDIS_REPLY_STRING) {
        out.states[id] = std::nullopt;
      } else {
        const std::string_view bytes(e->str, e->len);
        if (auto known = decoded_.find(id, bytes)) {
          out.states[id] = std::move(known);
          continue;
        }
        std::string record(bytes);
        try {
          auto state = state_from_record(record, field_cipher_);
          decoded_.remember(state, std::move(record));  // not read again on this path
          out.states[id] = std::move(state);
        } catch (const StateDecodeError& bad) {
          if (quarantine(partition, epoch, id, record, bad.what())) {
            out.quarantined.insert(id);
          } else {
            changed.push_back(id);
          }
        }
      }
    }
    to_read = std::move(changed);
  }
  for (const auto& id : to_read) out.quarantined.insert(id);  // still changing: not now
  return out;
}

bool Store::quarantine(std::int32_t partition, std::int64_t epoch, const RegistrationId& id,
                       const std::string& record, const std::string& reason) {
  const auto now =
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  const std::vector<std::string> argv{"EVALSHA",
                                      quarantine_sha_,
                                      "4",
                                      key(partition, "epoch"),
                                      state_key(partition, id),
                                      key(partition, std::string(keys::quarantine) + id.str()),
                                      key(partition, "timers"),
                                      std::to_string(epoch),
                                      record,
                                      reason,
                                      std::to_string(to_millis(now)),
                                      keys::partition_prefix(ns_, partition),
                                      id.str()};
  Reply r;
  try {
    r = eval_script(redis_, {key(partition, "epoch")}, quarantine_script(), argv);
  } catch (const RedisError& e) {
    if (e.code() != Errc::stale_epoch) throw;
    spdlog::warn(
        "registration {}: stored state cannot be decoded ({}); partition {} is no "
        "longer ours, its owner quarantines it",
        id.str(), reason, partition);
    return true;
  }
  if (r->type == REDIS_REPLY_STATUS || r->type == REDIS_REPLY_STRING) {
    if (std::string_view(r->str, r->len) == "changed") return false;
  }
  // The record itself is never logged: it holds personal data.
  spdlog::error("registration {}: stored state quarantined (partition {}): {}", id.str(), partition,
                reason);
  return true;
}

std::vector<std::string> Store::commit(std::int32_t partition, std::int64_t epoch,
                                       CommitId commit_id, std::optional<std::int64_t> next_offset,
                                       const std::vector<StoredState>& states,
                                       const std::vector<codec::OutboxMessage>& outbox,
                                       const std::vector<RegistrationId>& fired_timers,
                                       const Activity& activity) {
  std::vector<std::string> argv{"EVALSHA",
                                commit_sha_,
                                std::to_string(5 + states.size()),
                                key(partition, "epoch"),
                                key(partition, "offset"),
                                key(partition, std::string(keys::outbox)),
                                key(partition, "timers"),
                                key(partition, std::string(keys::last_commit))};
  for (const auto& s : states) argv.push_back(state_key(partition, s.state.id));
  argv.push_back(std::to_string(epoch));
  argv.push_back(next_offset ? std::to_string(*next_offset) : std::string());
  argv.push_back(std::to_string(states.size()));
  argv.push_back(std::to_string(fired_timers.size()));
  argv.push_back(keys::partition_prefix(ns_, partition));
  argv.push_back(std::to_string(history_cap));
  // The activity bucket's minute: the wall clock's, as the API reads the last hour by it.
  argv.push_back(std::to_string(to_millis(
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()))));
  argv.push_back(std::to_string(activity.applied));
  argv.push_back(std::to_string(commit_id.number));
  argv.push_back(std::to_string(activity.failures.size()));
  for (const auto& [task, n] : activity.failures) {
    argv.push_back(task);
    argv.push_back(std::to_string(n));
  }
  for (const auto& stored : states) {
    const Registration& s = stored.state;
    argv.push_back(stored.record);
    argv.push_back(s.id.str());
    const auto due = s.next_timer();
    argv.push_back(due ? std::to_string(to_millis(*due)) : std::string());
    // What the read side's indexes and funnel need (see commit.lua).
    argv.push_back(s.channel);
    argv.emplace_back(to_string(s.phase));
    argv.push_back(s.step);
    argv.emplace_back(to_string(s.status()));
    argv.push_back(std::to_string(to_millis(s.updated_at)));
    argv.emplace_back(s.purged() ? "1" : "");  // a tombstone leaves the read side
  }
  for (const auto& id : fired_timers) argv.push_back(id.str());
  for (const auto& m : outbox) {
    argv.push_back(m.topic);
    argv.push_back(m.key);
    // Sealed whole (issue 15): a task request carries the citizen ID and the card data, and the
    // AOF keeps every outbox entry ever written. As bytes, not base64 text (issue 16): a quarter
    // less in Redis and in the AOF; entries sealed as text before are still read.
    argv.push_back(field_cipher_ != nullptr ? field_cipher_->seal_binary(m.value, outbox_place(m))
                                            : m.value);
    argv.push_back(m.history);
    argv.push_back(m.audit_head);
  }
  Reply r;
  try {
    r = eval_script(redis_, {key(partition, "epoch")}, commit_script(), argv);
  } catch (const RedisError& e) {
    if (e.code() == Errc::stale_epoch) throw StaleEpochError(partition);
    throw;
  }
  std::vector<std::string> ids;
  ids.reserve(r->elements);
  for (std::size_t i = 0; i < r->elements; ++i) {
    ids.emplace_back(r->element[i]->str, r->element[i]->len);
  }
  return ids;
}

void Store::remember(std::vector<StoredState>&& committed) {
  for (auto& s : committed) decoded_.remember(std::move(s.state), std::move(s.record));
}

std::map<std::int32_t, std::vector<DueTimer>> Store::due_timers(
    const std::vector<std::int32_t>& partitions, Timestamp now, std::size_t limit) {
  std::map<std::int32_t, std::vector<DueTimer>> out;
  std::vector<RoutedCommand> commands;
  commands.reserve(partitions.size());
  for (auto p : partitions) {
    commands.push_back({{key(p, "timers")},
                        {"ZRANGEBYSCORE", key(p, "timers"), "-inf", std::to_string(to_millis(now)),
                         "WITHSCORES", "LIMIT", "0", std::to_string(limit)}});
  }
  auto replies = redis_.pipeline(commands);
  for (std::size_t n = 0; n < partitions.size(); ++n) {
    const auto p = partitions[n];
    const auto& r = replies[n];
    if (r->type != REDIS_REPLY_ARRAY) continue;
    for (std::size_t i = 0; i + 1 < r->elements; i += 2) {
      const std::string score(r->element[i + 1]->str, r->element[i + 1]->len);
      out[p].push_back(DueTimer{RegistrationId(std::string(r->element[i]->str, r->element[i]->len)),
                                from_millis(std::stoll(score))});
    }
  }
  return out;
}

namespace {

// A claim's holder value: "<partition>|<registration id>".
std::string claim_holder(std::int32_t partition, const RegistrationId& id) {
  return std::to_string(partition) + "|" + id.str();
}

}  // namespace

bool Store::claim_citizen(const std::string& citizen_hash,
                          const std::vector<std::string>& older_hashes, const RegistrationId& id,
                          std::int32_t partition) {
  const std::string me = claim_holder(partition, id);
  const auto run = [&](const std::string& hash, const char* action, const std::string& stale) {
    const std::string claim_key = ns_ + ":citizen:" + hash;
    return eval_script(redis_, {claim_key}, citizen_claim_script(),
                       {"EVALSHA", claim_sha_, "1", claim_key, me, action, stale, id.str()});
  };
  for (const std::string& older : older_hashes) {
    auto r = run(older, "check", "");
    if (r->type == REDIS_REPLY_INTEGER) continue;
    if (r->type != REDIS_REPLY_STRING) return false;
    const std::string holder(r->str, r->len);
    if (!claim_holder_ended(holder)) return false;
    run(older, "drop", holder);  // its release was lost: the older claim goes
  }
  auto r = run(citizen_hash, "claim", "");
  if (r->type == REDIS_REPLY_INTEGER) return r->integer == 1;
  if (r->type != REDIS_REPLY_STRING) return false;
  const std::string holder(r->str, r->len);
  // Held by another: refused, unless that registration has ended (its release was lost, e.g.
  // with writes a Redis fail-over dropped); then taken over, if still held by it.
  if (!claim_holder_ended(holder)) return false;
  r = run(citizen_hash, "take_over", holder);
  return r->type == REDIS_REPLY_INTEGER && r->integer == 1;
}

bool Store::claim_holder_ended(const std::string& holder) {
  const auto bar = holder.find('|');
  std::int32_t partition = -1;
  const auto [end, ec] =
      std::from_chars(holder.data(), holder.data() + std::min(bar, holder.size()), partition);
  // An old claim (a bare id, with its TTL) or a value no partition wrote: left alone.
  if (bar == std::string::npos || ec != std::errc() || end != holder.data() + bar ||
      partition < 0) {
    return false;
  }
  const RegistrationId holder_id(holder.substr(bar + 1));
  const std::string state = state_key(partition, holder_id);
  auto r = redis_.command({state}, {"GET", state});
  if (r->type != REDIS_REPLY_STRING) {
    // No state: a quarantined registration still holds its claim; an unknown one does not.
    const std::string quarantined = key(partition, std::string(keys::quarantine) + holder_id.str());
    auto q = redis_.command({quarantined}, {"EXISTS", quarantined});
    return q->type == REDIS_REPLY_INTEGER && q->integer == 0;
  }
  try {
    return is_terminal(
        state_from_record(std::string_view(r->str, r->len), field_cipher_).position.state);
  } catch (const StateDecodeError&) {
    return false;  // undecodable: left to the quarantine, the claim stays
  }
}

void Store::release_citizen(const std::string& citizen_hash,
                            const std::vector<std::string>& older_hashes, const RegistrationId& id,
                            std::int32_t partition) {
  const auto release = [&](const std::string& hash) {
    const std::string claim_key = ns_ + ":citizen:" + hash;
    eval_script(redis_, {claim_key}, citizen_claim_script(),
                {"EVALSHA", claim_sha_, "1", claim_key, claim_holder(partition, id), "release", "",
                 id.str()});
  };
  release(citizen_hash);
  for (const std::string& older : older_hashes) release(older);
}

std::vector<OutboxEntry> Store::pending_outbox(std::int32_t partition) {
  const std::string outbox = key(partition, "outbox");
  auto r = redis_.command({outbox}, {"XRANGE", outbox, "-", "+"});
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
    if (crypto::FieldCipher::is_sealed(e.message.value)) {
      try {
        if (field_cipher_ == nullptr) throw crypto::FieldCipherError("no field key was given");
        e.message.value = field_cipher_->open(e.message.value, outbox_place(e.message));
      } catch (const crypto::FieldCipherError& bad) {
        // Never sent as it is, never retried: set aside with the reason, like a refused entry.
        park_outbox(partition, e.entry_id, std::string("cannot open: ") + bad.what());
        continue;
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

void Store::ack_outbox(const std::map<std::int32_t, std::vector<std::string>>& entry_ids) {
  std::vector<RoutedCommand> xdels;
  for (const auto& [partition, ids] : entry_ids) {
    if (ids.empty()) continue;
    std::vector<std::string> argv{"XDEL", key(partition, "outbox")};
    argv.insert(argv.end(), ids.begin(), ids.end());
    xdels.push_back({{argv[1]}, std::move(argv)});
  }
  if (xdels.empty()) return;
  for (const auto& reply : redis_.pipeline(xdels)) {
    if (reply->type == REDIS_REPLY_ERROR) {
      throw RedisError(Errc::redis_refused, "outbox ack: " + std::string(reply->str, reply->len));
    }
  }
}

AuditPending Store::audit_pending(std::int32_t partition) {
  const auto pending = key(partition, "audit:pending");
  const auto last = key(partition, "audit:checkpoint");
  auto replies = redis_.pipeline({{{pending}, {"HGETALL", pending}}, {{last}, {"GET", last}}});
  AuditPending out;
  const auto& h = replies[0];
  if (h->type == REDIS_REPLY_ARRAY) {
    for (std::size_t i = 0; i + 1 < h->elements; i += 2) {
      out.heads.emplace(std::string(h->element[i]->str, h->element[i]->len),
                        std::string(h->element[i + 1]->str, h->element[i + 1]->len));
    }
  }
  if (replies[1]->type == REDIS_REPLY_STRING) {
    out.last_checkpoint.assign(replies[1]->str, replies[1]->len);
  }
  return out;
}

std::string Store::commit_checkpoint(std::int32_t partition, std::int64_t epoch, CommitId commit_id,
                                     const std::string& last, const std::string& next,
                                     const codec::OutboxMessage& message,
                                     const std::map<std::string, std::string>& covered) {
  std::vector<std::string> argv{"EVALSHA",
                                checkpoint_sha_,
                                "5",
                                key(partition, "epoch"),
                                key(partition, std::string(keys::outbox)),
                                key(partition, "audit:pending"),
                                key(partition, "audit:checkpoint"),
                                key(partition, std::string(keys::last_commit)),
                                std::to_string(epoch),
                                last,
                                next,
                                message.topic,
                                message.key,
                                message.value,
                                std::to_string(commit_id.number)};
  for (const auto& [id, head] : covered) {
    argv.push_back(id);
    argv.push_back(head);
  }
  Reply r;
  try {
    r = eval_script(redis_, {key(partition, "epoch")}, checkpoint_script(), argv);
  } catch (const RedisError& e) {
    if (e.code() == Errc::stale_epoch) throw StaleEpochError(partition);
    throw;
  }
  return {r->str, r->len};
}

bool Store::park_outbox(std::int32_t partition, const std::string& entry_id,
                        const std::string& reason) {
  const std::string outbox = key(partition, std::string(keys::outbox));
  std::vector<std::string> argv{
      "EVALSHA", park_sha_, "2", outbox, key(partition, std::string(keys::parked)),
      entry_id,  reason};
  auto r = eval_script(redis_, {outbox}, park_script(), argv);
  return r->type == REDIS_REPLY_INTEGER && r->integer == 1;
}

std::size_t Store::parked_count(std::int32_t partition) {
  const std::string parked = key(partition, std::string(keys::parked));
  auto r = redis_.command({parked}, {"XLEN", parked});
  return r->type == REDIS_REPLY_INTEGER ? static_cast<std::size_t>(r->integer) : 0;
}

}  // namespace enroll::redis
