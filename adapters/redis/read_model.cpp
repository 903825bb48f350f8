#include "adapters/redis/read_model.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <numeric>

#include "adapters/kafka/partition/partitioner.hpp"
#include "adapters/redis/history_record.hpp"
#include "adapters/redis/keyspace.hpp"
#include "adapters/redis/script.hpp"
#include "adapters/redis/scripts.hpp"
#include "errors/errc.hpp"

namespace enroll::redis {
namespace {

// Members examined at most per partition and page. Bounds the time a listing holds Redis
// (a script runs alone) when a filter is not the walked index; the largest page is 1,000.
constexpr std::size_t list_budget = 1000;
// Members examined per partition and script call by a count (a script runs alone: a few ms).
constexpr std::size_t count_slice = 10000;

std::string str(const redisReply* r) { return {r->str, r->len}; }

// The sum of the integer replies (others count as 0).
std::int64_t sum_of(const std::vector<Reply>& replies) {
  std::int64_t sum = 0;
  for (const auto& r : replies) {
    if (r->type == REDIS_REPLY_INTEGER) sum += r->integer;
  }
  return sum;
}

std::int64_t score_ms(const redisReply* r) {
  // Scores are whole milliseconds; Redis prints them as doubles.
  return std::llround(std::strtod(str(r).c_str(), nullptr));
}

// What one partition's list.lua returned.
struct PartitionWalk {
  bool done = false;
  std::optional<ListPosition> last;  // every member up to here was examined
  std::vector<ListedRegistration> items;
};

PartitionWalk parse_walk(const redisReply* r) {
  if (r->type != REDIS_REPLY_ARRAY || r->elements < 3 || (r->elements - 3) % 6 != 0) {
    throw RedisError(Errc::redis_refused, "list: unexpected reply");
  }
  PartitionWalk w;
  w.done = str(r->element[0]) == "done";
  if (r->element[2]->len > 0) w.last = ListPosition{score_ms(r->element[1]), str(r->element[2])};
  for (std::size_t i = 3; i < r->elements; i += 6) {
    w.items.push_back(ListedRegistration{{score_ms(r->element[i + 1]), str(r->element[i])},
                                         str(r->element[i + 2]),
                                         str(r->element[i + 3]),
                                         str(r->element[i + 4]),
                                         str(r->element[i + 5])});
  }
  return w;
}

// What one partition's list.lua counted: {state, last score, last id, matches}.
struct PartitionCount {
  bool done = false;
  std::optional<ListPosition> last;
  std::int64_t found = 0;
};

PartitionCount parse_count(const redisReply* r) {
  if (r->type != REDIS_REPLY_ARRAY || r->elements != 4 ||
      r->element[3]->type != REDIS_REPLY_INTEGER) {
    throw RedisError(Errc::redis_refused, "list (count): unexpected reply");
  }
  PartitionCount c;
  c.done = str(r->element[0]) == "done";
  if (r->element[2]->len > 0) c.last = ListPosition{score_ms(r->element[1]), str(r->element[2])};
  c.found = r->element[3]->integer;
  return c;
}

// The quarantine of an HMGET reason at reply; none if the key does not exist.
std::optional<Quarantine> quarantine_of(const redisReply* r) {
  if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
      r->element[0]->type != REDIS_REPLY_STRING) {
    return std::nullopt;
  }
  Quarantine q{str(r->element[0]), std::nullopt};
  if (r->element[1]->type == REDIS_REPLY_STRING) q.at = from_millis(score_ms(r->element[1]));
  return q;
}

// A stored record as the API sees it: its state, or, if it cannot be decoded, a quarantine
// that the pipeline has yet to make (at its next message for the registration).
StoredRegistration decoded(const std::string& record, const crypto::FieldCipher* cipher) {
  StoredRegistration out;
  try {
    out.state = state_from_record(record, cipher);
  } catch (const StateDecodeError& e) {
    out.quarantine = Quarantine{e.what(), std::nullopt};
  }
  return out;
}

// The index to walk: the one of a filter (the others are checked on each registration's
// meta), status first since "active" is the usual question and the smallest set.
std::string walked_index(const ListFilter& f) {
  const std::string idx(keys::index);
  if (f.status) return idx + "status:" + std::string(to_string(*f.status));
  if (f.phase) return idx + "phase:" + std::string(to_string(*f.phase));
  if (f.channel) return idx + "channel:" + *f.channel;
  return std::string(keys::index_all);
}

// Whether the walked index answers the filter alone (its score range is stuck_for's).
bool index_answers(const ListFilter& f) {
  const int indexed =
      int(f.phase.has_value()) + int(f.status.has_value()) + int(f.channel.has_value());
  return !f.step && indexed <= 1;
}

}  // namespace

ReadModel::ReadModel(Router& redis, std::string ns, std::int32_t partitions,
                     const crypto::FieldCipher* field_cipher)
    : redis_(redis), ns_(std::move(ns)), partitions_(partitions), field_cipher_(field_cipher) {
  if (partitions_ <= 0) throw Error(Errc::bad_setting, "partition count must be positive");
  list_sha_ = load_script(redis_, list_script());
}

std::string ReadModel::key(std::int32_t partition, std::string_view suffix) const {
  return keys::partition_key(ns_, partition, suffix);
}

template <class MakeCommand>
std::vector<Reply> ReadModel::per_partition(const std::vector<std::int32_t>& partitions,
                                            MakeCommand make) {
  std::vector<RoutedCommand> commands;
  commands.reserve(partitions.size());
  for (const auto p : partitions) commands.push_back(make(p));
  return redis_.pipeline(commands);
}

std::int32_t ReadModel::partition_of(const RegistrationId& id) const {
  return kafka::partition_for(id.str(), partitions_);
}

void ReadModel::ping() { redis_.on_every_node({"PING"}); }

StoredRegistration ReadModel::registration(const RegistrationId& id) {
  const auto p = partition_of(id);
  const auto state = key(p, std::string(keys::state) + id.str());
  const auto quarantine = key(p, std::string(keys::quarantine) + id.str());
  // Both keys are in the partition's slot: one node, one round trip.
  const auto replies = redis_.pipeline(
      {{{state}, {"GET", state}}, {{quarantine}, {"HMGET", quarantine, "reason", "at"}}});
  for (const auto& r : replies) {
    if (r->type == REDIS_REPLY_ERROR) throw error_reply(str(r.get()));
  }
  StoredRegistration out;
  if (auto q = quarantine_of(replies[1].get())) {
    out.quarantine = std::move(q);
  } else if (replies[0]->type == REDIS_REPLY_STRING) {
    out = decoded(str(replies[0].get()), field_cipher_);
  }
  return out;
}

std::optional<HistoryPage> ReadModel::history(const RegistrationId& id, std::int64_t offset,
                                              std::int64_t limit) {
  const auto p = partition_of(id);
  const auto hist = key(p, std::string(keys::history) + id.str());
  const auto state = key(p, std::string(keys::state) + id.str());
  const auto quarantine = key(p, std::string(keys::quarantine) + id.str());
  const auto meta = key(p, std::string(keys::meta) + id.str());
  // Every key is in the partition's slot: one node, one round trip.
  const auto replies = redis_.pipeline(
      {{{state}, {"EXISTS", state}},
       {{hist}, {"LLEN", hist}},
       {{hist}, {"LRANGE", hist, std::to_string(offset), std::to_string(offset + limit - 1)}},
       {{quarantine}, {"HMGET", quarantine, "reason", "at"}},
       {{meta}, {"HGET", meta, "history_dropped"}}});
  for (const auto& r : replies) {
    if (r->type == REDIS_REPLY_ERROR) throw error_reply(str(r.get()));
  }
  const auto& exists = replies[0];
  const auto& total = replies[1];
  const auto& range = replies[2];
  const auto& dropped = replies[4];
  HistoryPage page;
  if (auto q = quarantine_of(replies[3].get())) {
    page.quarantine = std::move(q);
    return page;
  }
  if (exists->integer == 0) return std::nullopt;
  if (dropped->type == REDIS_REPLY_STRING) {
    page.dropped = std::strtoll(str(dropped.get()).c_str(), nullptr, 10);
  }
  if (total->integer == 0 && page.dropped == 0) {
    // Every registration's history starts with its first record; none left and none dropped
    // (an issued one's are: commit.lua) means purged (or committed before the history lists
    // existed): only then is the state read.
    const auto stored = redis_.command({state}, {"GET", state});
    if (stored->type == REDIS_REPLY_STRING) {
      auto found = decoded(str(stored.get()), field_cipher_);
      if (found.quarantine) {
        page.quarantine = std::move(found.quarantine);
        return page;
      }
      page.purged_at = found.state->purged_at;
    }
  }
  page.total = total->integer;
  for (std::size_t i = 0; i < range->elements; ++i) {
    page.records.push_back(history_record_json(str(range->element[i]), id.str()));
  }
  return page;
}

RoutedCommand ReadModel::list_command(std::int32_t p, const ListFilter& filter,
                                      const std::optional<ListPosition>& after, std::size_t limit,
                                      std::size_t budget, bool counting) const {
  const std::string min = after ? std::to_string(after->changed_ms) : "-inf";
  const std::string max =
      filter.changed_before ? std::to_string(to_millis(*filter.changed_before)) : "+inf";
  // Every key the script reads is in the partition's slot: routed by the walked index.
  const std::string walked = key(p, walked_index(filter));
  return {{walked},
          {"EVALSHA_RO", list_sha_, "1", walked, keys::partition_prefix(ns_, p), min,
           after ? after->id : "", max, std::to_string(limit), std::to_string(budget),
           filter.phase ? std::string(to_string(*filter.phase)) : "",
           filter.status ? std::string(to_string(*filter.status)) : "", filter.channel.value_or(""),
           filter.step.value_or(""), counting ? "count" : ""}};
}

std::vector<Reply> ReadModel::run_list(const std::vector<RoutedCommand>& commands) {
  auto replies = redis_.pipeline(commands);
  for (std::size_t i = 0; i < replies.size(); ++i) {
    if (replies[i]->type != REDIS_REPLY_ERROR) continue;
    const std::string error = str(replies[i].get());
    if (!is_noscript(error)) throw RedisError(Errc::redis_refused, error);
    // A node without the script (restarted, or new in the cluster): EVAL_RO caches it there.
    replies[i] = redis_.command(commands[i].key, eval_with_text(commands[i].argv, list_script()));
  }
  return replies;
}

ListPage ReadModel::list(const ListFilter& filter, const std::optional<ListPosition>& after,
                         std::size_t limit) {
  std::vector<RoutedCommand> commands;
  commands.reserve(static_cast<std::size_t>(partitions_));
  for (std::int32_t p = 0; p < partitions_; ++p) {
    commands.push_back(list_command(p, filter, after, limit, list_budget, false));
  }
  const auto replies = run_list(commands);
  std::vector<PartitionWalk> walks;
  walks.reserve(replies.size());
  for (const auto& r : replies) walks.push_back(parse_walk(r.get()));

  // Merge. A partition that is not done was examined only up to its last position, so the
  // page may not go past the smallest of those: beyond, that partition may hold more.
  std::optional<ListPosition> bound;
  std::vector<ListedRegistration> merged;
  for (auto& w : walks) {
    if (!w.done && w.last && (!bound || *w.last < *bound)) bound = w.last;
    std::move(w.items.begin(), w.items.end(), std::back_inserter(merged));
  }
  std::sort(merged.begin(), merged.end(),
            [](const auto& a, const auto& b) { return a.position < b.position; });
  if (bound) {
    merged.erase(std::find_if(merged.begin(), merged.end(),
                              [&](const auto& r) { return *bound < r.position; }),
                 merged.end());
  }
  ListPage page;
  if (merged.size() > limit) {
    merged.resize(limit);
    page.next = merged.back().position;
  } else if (bound) {
    page.next = *bound;  // every registration up to the bound is on this page
  }
  page.items = std::move(merged);
  return page;
}

ListCount ReadModel::count(const ListFilter& filter) {
  std::vector<std::int32_t> all(static_cast<std::size_t>(partitions_));
  std::iota(all.begin(), all.end(), 0);
  ListCount out;
  if (index_answers(filter)) {
    const std::string index = walked_index(filter);
    const std::string max =
        filter.changed_before ? std::to_string(to_millis(*filter.changed_before)) : "+inf";
    out.count = sum_of(per_partition(all, [&](std::int32_t p) {
      const std::string walked = key(p, index);
      return RoutedCommand{{walked}, {"ZCOUNT", walked, "-inf", max}};
    }));
    return out;
  }
  // Each partition walks its index from the start, a slice per round, until done or bound.
  struct Walk {
    std::int32_t partition;
    std::optional<ListPosition> after;
    std::int64_t examined = 0;
  };
  std::vector<Walk> open;
  for (const auto p : all) open.push_back({p, std::nullopt});
  while (!open.empty()) {
    std::vector<RoutedCommand> commands;
    for (const auto& w : open) {
      commands.push_back(list_command(w.partition, filter, w.after, 1, count_slice, true));
    }
    const auto replies = run_list(commands);
    std::vector<Walk> next;
    for (std::size_t i = 0; i < replies.size(); ++i) {
      const auto c = parse_count(replies[i].get());
      out.count += c.found;
      auto w = open[i];
      w.after = c.last;
      w.examined += static_cast<std::int64_t>(count_slice);
      if (c.done) continue;
      if (w.examined >= count_budget) {
        out.exact = false;
        continue;
      }
      next.push_back(std::move(w));
    }
    open = std::move(next);
  }
  return out;
}

FunnelCounts ReadModel::funnel() {
  std::vector<std::int32_t> all(static_cast<std::size_t>(partitions_));
  std::iota(all.begin(), all.end(), 0);
  FunnelCounts out;
  for (const auto& r : per_partition(all, [this](std::int32_t p) {
         const std::string funnel = key(p, keys::funnel);
         return RoutedCommand{{funnel}, {"HGETALL", funnel}};
       })) {
    if (r->type != REDIS_REPLY_ARRAY) continue;
    for (std::size_t i = 0; i + 1 < r->elements; i += 2) {
      // <counter>:<channel>:<value>; channel names have no ':' (the definition schema).
      const std::string field = str(r->element[i]);
      const auto first = field.find(':');
      const auto last = field.rfind(':');
      if (first == std::string::npos || first == last) continue;
      const std::string channel = field.substr(first + 1, last - first - 1);
      const std::string counter = field.substr(0, first) + ":" + field.substr(last + 1);
      out[channel][counter] += std::strtoll(str(r->element[i + 1]).c_str(), nullptr, 10);
    }
  }
  return out;
}

StepCounts ReadModel::steps() {
  std::vector<std::int32_t> all(static_cast<std::size_t>(partitions_));
  std::iota(all.begin(), all.end(), 0);
  StepCounts out;
  for (const auto& r : per_partition(all, [this](std::int32_t p) {
         const std::string steps = key(p, keys::steps);
         return RoutedCommand{{steps}, {"HGETALL", steps}};
       })) {
    if (r->type != REDIS_REPLY_ARRAY) continue;
    for (std::size_t i = 0; i + 1 < r->elements; i += 2) {
      // <channel>:<step>:<status>; channel and step names have no ':' (the definition schema).
      const std::string field = str(r->element[i]);
      const auto first = field.find(':');
      const auto last = field.rfind(':');
      if (first == std::string::npos || first == last) continue;
      const auto n = std::strtoll(str(r->element[i + 1]).c_str(), nullptr, 10);
      if (n == 0) continue;
      out[field.substr(0, first)][field.substr(first + 1, last - first - 1)]
         [field.substr(last + 1)] += n;
    }
  }
  return out;
}

ActivityCounts ReadModel::activity(std::int64_t first_minute, std::int64_t last_minute) {
  if (last_minute < first_minute || last_minute - first_minute > 60) {
    throw Error(Errc::bad_setting, "activity: at most 61 minutes at a time");
  }
  std::vector<RoutedCommand> commands;
  std::vector<std::int64_t> minute_of;
  for (std::int32_t p = 0; p < partitions_; ++p) {
    for (auto m = first_minute; m <= last_minute; ++m) {
      const std::string bucket = key(p, std::string(keys::activity) + std::to_string(m));
      commands.push_back({{bucket}, {"HGETALL", bucket}});
      minute_of.push_back(m);
    }
  }
  ActivityCounts out;
  const auto replies = redis_.pipeline(commands);
  for (std::size_t c = 0; c < replies.size(); ++c) {
    const auto& r = replies[c];
    if (r->type == REDIS_REPLY_ERROR) throw error_reply(str(r.get()));
    if (r->type != REDIS_REPLY_ARRAY || r->elements == 0) continue;
    auto& counts = out[minute_of[c]];
    for (std::size_t i = 0; i + 1 < r->elements; i += 2) {
      counts[str(r->element[i])] += std::strtoll(str(r->element[i + 1]).c_str(), nullptr, 10);
    }
  }
  return out;
}

std::int64_t ReadModel::outbox_backlog(const std::vector<std::int32_t>& partitions) {
  return sum_of(per_partition(partitions, [this](std::int32_t p) {
    const std::string outbox = key(p, keys::outbox);
    return RoutedCommand{{outbox}, {"XLEN", outbox}};
  }));
}

std::int64_t ReadModel::count_in(const std::vector<std::int32_t>& partitions, Status status) {
  const std::string by_status =
      std::string(keys::index) + "status:" + std::string(to_string(status));
  return sum_of(per_partition(partitions, [&](std::int32_t p) {
    const std::string index = key(p, by_status);
    return RoutedCommand{{index}, {"ZCARD", index}};
  }));
}

std::int64_t ReadModel::active_changed_before(const std::vector<std::int32_t>& partitions,
                                              Timestamp before) {
  const std::string active = std::string(keys::index) + "status:active";
  const std::string max = std::to_string(to_millis(before));
  return sum_of(per_partition(partitions, [&](std::int32_t p) {
    const std::string index = key(p, active);
    return RoutedCommand{{index}, {"ZCOUNT", index, "-inf", max}};
  }));
}

}  // namespace enroll::redis
