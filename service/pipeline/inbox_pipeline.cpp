#include "service/pipeline/inbox_pipeline.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>
#include <utility>

#include "service/pipeline/passcode_prefetch.hpp"
#include "workflows/engine.hpp"

namespace enroll {
namespace {

Timestamp message_time(const kafka::Message& m) {
  // The broker's timestamp makes a replay see the same time as the first run.
  if (m.timestamp_ms > 0) return from_millis(m.timestamp_ms);
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

// Why `m`'s time cannot be the engine's clock, if it cannot: only the broker's append time is
// (a producer's clock, or its choice, would decide deadlines).
std::optional<codec::DecodeError> untrusted_time(const kafka::Message& m, bool producer_time) {
  if (m.timestamp_type == kafka::TimestampType::log_append_time && m.timestamp_ms > 0) {
    return std::nullopt;
  }
  if (producer_time && m.timestamp_type == kafka::TimestampType::create_time) return std::nullopt;
  return codec::DecodeError{
      Errc::untrusted_timestamp,
      m.timestamp_type == kafka::TimestampType::create_time
          ? "the record's timestamp is its producer's (CreateTime), not the broker's "
            "LogAppendTime: is the inbox's message.timestamp.type still LogAppendTime?"
          : "the record has no timestamp"};
}

}  // namespace

InboxPipeline::InboxPipeline(PipelineSettings settings, redis::Store& store,
                             const codec::SchemaSet& schemas, crypto::SealKeys passcode_keys,
                             EngineConfig engine, const trust::Verifier& verifier,
                             const trust::Signer& signer)
    : settings_(std::move(settings)),
      store_(store),
      decoder_(schemas, std::move(passcode_keys), verifier),
      encoder_(settings_.topics, settings_.source, signer),
      step_(decoder_, encoder_),
      engine_(std::move(engine)),
      relay_(settings_.kafka, store_, stopping_, counters_),
      retry_(stopping_, [this] { relay_.poll(); }),
      own_tasks_(store_, relay_, retry_, settings_.topics, settings_.source, signer) {
  if (settings_.passcode_workers > 0) {
    passcode_pool_ =
        std::make_unique<PasscodePool>(settings_.passcode_workers, engine_.passcode_hash);
    engine_.passcode_ahead = passcode_pool_.get();
  }
  kafka::Settings consumer_settings = settings_.kafka;
  consumer_settings.insert(settings_.consumer.begin(), settings_.consumer.end());
  consumer_settings["group.id"] = settings_.group;
  consumer_ = std::make_unique<kafka::Consumer>(
      consumer_settings, std::vector<std::string>{settings_.topics.inbox()}, this);
}

InboxPipeline::~InboxPipeline() {
  // The consumer leaves the group first: its close runs on_revoked, which needs the members
  // below (destroyed after this body, in reverse order of declaration).
  consumer_.reset();
}

std::vector<std::optional<std::int64_t>> InboxPipeline::on_assigned(
    const std::vector<kafka::TopicPartition>& partitions) {
  std::vector<std::optional<std::int64_t>> starts;
  for (const auto& tp : partitions) {
    const auto claim = retry_("claim", [&] { return store_.claim(tp.partition); });
    epochs_[tp.partition] = claim.epoch;
    starts.push_back(claim.next_offset);
    // Whatever the previous owner committed but could not relay goes out now (same ids).
    auto pending = retry_("outbox", [&] { return store_.pending_outbox(tp.partition); });
    std::vector<codec::OutboxMessage> msgs;
    std::vector<std::string> ids;
    for (auto& e : pending) {
      msgs.push_back(std::move(e.message));
      ids.push_back(std::move(e.entry_id));
    }
    relay(tp.partition, msgs, ids);
    spdlog::info("partition {} assigned: epoch {}, resume at {}, {} outbox entries re-sent",
                 tp.partition, claim.epoch,
                 claim.next_offset ? std::to_string(*claim.next_offset) : "start", msgs.size());
  }
  publish_owned();
  // Heads the previous owner committed but did not checkpoint (a crash) are anchored now, not
  // an interval later.
  next_checkpoint_ = {};
  return starts;
}

void InboxPipeline::on_revoked(const std::vector<kafka::TopicPartition>& partitions) {
  relay_.acknowledge();
  commit_group_offsets(&partitions);  // before the next owner starts (best effort)
  for (const auto& tp : partitions) epochs_.erase(tp.partition);
  publish_owned();
  spdlog::info("{} partitions revoked", partitions.size());
}

void InboxPipeline::run() {
  laps_.restart();
  while (!stopping_) {
    auto batch = consumer_->poll_batch(settings_.batch_size, settings_.poll_timeout);
    laps_.lap(Stage::consume);
    relay_.poll();
    laps_.lap(Stage::produce);
    if (!batch.empty()) process(std::move(batch));
    if (std::chrono::steady_clock::now() >= next_timer_check_) {
      fire_timers();
      next_timer_check_ = std::chrono::steady_clock::now() + settings_.timer_interval;
      if (monitor_ != nullptr) monitor_->set_lag(consumer_->lag());
    }
    if (std::chrono::steady_clock::now() >= next_checkpoint_) {
      anchor_audit();
      next_checkpoint_ = std::chrono::steady_clock::now() + settings_.checkpoint_interval;
    }
    laps_.lap(Stage::other);
    commit_group_offsets();
    laps_.lap(Stage::consume);
    relay_.poll();
    relay_.acknowledge();
    laps_.lap(Stage::produce);
  }
  // SIGTERM: the batch in hand is committed; its heads are checkpointed (what a crash leaves
  // pending is covered by the next owner's first checkpoint); now flush what is being
  // relayed and leave.
  anchor_audit();
  if (!relay_.flush(std::chrono::seconds(10))) {
    spdlog::warn("relay: flush timed out; the outbox keeps the rest");
  }
  relay_.acknowledge();
  consumer_->close();
}

void InboxPipeline::process(std::vector<kafka::Message> batch) {
  std::map<std::int32_t, std::vector<kafka::Message>> by_partition;
  for (auto& m : batch) by_partition[m.partition].push_back(std::move(m));
  for (auto& [partition, msgs] : by_partition) {
    if (epochs_.count(partition) == 0) {
      spdlog::warn("partition {}: {} messages for a partition not owned; skipped", partition,
                   msgs.size());
      continue;
    }
    counters_.consumed += msgs.size();
    std::vector<Item> items;
    items.reserve(msgs.size());
    for (const auto& m : msgs) {
      Item item{&m, InboxRecord{{m.topic, m.partition, m.offset}, m.key, m.value, message_time(m)},
                codec::DecodeError{}};
      if (auto why = untrusted_time(m, settings_.producer_time)) {
        item.decoded = std::move(*why);
      } else {
        item.decoded = step_.decode(item.record);
      }
      items.push_back(std::move(item));
    }
    laps_.lap(Stage::decode);
    apply_and_commit(partition, items, msgs.back().offset + 1);
  }
}

void InboxPipeline::fire_timers() {
  if (epochs_.empty()) return;
  std::vector<std::int32_t> partitions;
  for (const auto& [p, epoch] : epochs_) partitions.push_back(p);
  const Timestamp now =
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  auto due = retry_("timers", [&] { return store_.due_timers(partitions, now, 256); });
  for (auto& [partition, timers] : due) {
    if (timers.empty() || epochs_.count(partition) == 0) continue;
    // A due timer is not applied here: it is written to the inbox (through the outbox, in the
    // same step that removes it), and applied when read back in log order. So the log alone
    // decides the outcome, and a replay of it reaches the same states.
    std::vector<codec::OutboxMessage> outbox;
    std::vector<RegistrationId> fired;
    for (auto& t : timers) {
      outbox.push_back(encoder_.timer(t.id, t.due, now));
      fired.push_back(std::move(t.id));
    }
    const auto entry_ids = commit_fenced(partition, std::nullopt, {}, outbox, fired);
    if (!entry_ids) continue;
    counters_.timers_fired += outbox.size();
    relay(partition, outbox, *entry_ids);
  }
}

void InboxPipeline::anchor_audit() {
  if (!settings_.checkpoint_key || epochs_.empty()) return;
  const Timestamp now =
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  std::vector<std::int32_t> partitions;
  for (const auto& [p, epoch] : epochs_) partitions.push_back(p);
  for (const auto partition : partitions) {
    const auto pending = retry_("audit pending", [&] { return store_.audit_pending(partition); });
    for (auto& c :
         prepare_checkpoints(partition, pending, now, *settings_.checkpoint_key, encoder_)) {
      if (epochs_.count(partition) == 0) break;
      std::string entry_id;
      try {
        const redis::CommitId id{++commits_begun_};
        entry_id = retry_("checkpoint", [&] {
          return store_.commit_checkpoint(partition, epochs_.at(partition), id, c.last, c.next,
                                          c.message, c.covered);
        });
      } catch (const redis::StaleEpochError& e) {
        // Another instance owns the partition now (or checkpointed it): it covers these heads.
        spdlog::warn("audit checkpoint: {}", e.what());
        break;
      }
      ++counters_.checkpoints;
      relay(partition, {c.message}, {entry_id});
    }
  }
}

InboxPipeline::Batch InboxPipeline::run_engine(std::int32_t partition, std::span<Item> items,
                                               bool ahead) {
  std::vector<RegistrationId> ids;
  for (const auto& item : items) {
    if (const auto* in = std::get_if<Inbound>(&item.decoded)) ids.push_back(in->subject);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  // Quarantine (issue 10, item 3): a stored state that cannot be decoded is moved aside by the
  // load; messages for it are dead-lettered below, never applied.
  auto loaded = retry_("load", [&] { return store_.load(partition, epochs_.at(partition), ids); });
  auto& states = loaded.states;
  laps_.lap(Stage::load);
  if (ahead && passcode_pool_) hash_ahead(items, states);
  laps_.lap(Stage::hash);

  Batch batch;
  std::map<RegistrationId, std::string> records;  // the stored form of each changed state
  for (auto& item : items) {
    const auto* in = std::get_if<Inbound>(&item.decoded);
    StepResult r;
    if (in == nullptr) {
      r = step_.dead_letter(item.record, std::get<codec::DecodeError>(item.decoded));
    } else if (loaded.quarantined.count(in->subject) != 0) {  // quarantine: see the load above
      r = step_.dead_letter(item.record, {Errc::registration_quarantined,
                                          "the stored state of " + in->subject.str() +
                                              " cannot be decoded and is quarantined"});
    } else {
      r = step_.apply(item.record, *in, states[in->subject], engine_, &laps_);
    }
    if (r.state) {
      // The registration's next message in the batch applies to it; it is stored below.
      states[in->subject] = std::move(*r.state);
      records[in->subject] = std::move(r.state_record);
      r.state.reset();
    }
    std::move(r.outbox.begin(), r.outbox.end(), std::back_inserter(batch.outbox));
    r.outbox.clear();
    batch.inputs.push_back(r.reason ? nullptr : in);
    batch.records.push_back(&item.record);
    batch.results.push_back(std::move(r));
  }
  if (passcode_pool_) passcode_pool_->clear();  // wipes the batch's passcodes
  // The last state of each registration changed (moved, not copied: a state is kilobytes).
  for (auto& [id, record] : records) {
    batch.dirty.emplace(id, redis::StoredState{std::move(*states[id]), std::move(record)});
  }
  laps_.lap(Stage::apply);
  return batch;
}

void InboxPipeline::apply_and_commit(std::int32_t partition, std::vector<Item>& items,
                                     std::int64_t next_offset) {
  Batch batch = run_engine(partition, items, true);
  std::vector<redis::StoredState> to_store;
  to_store.reserve(batch.dirty.size());
  for (auto& [id, s] : batch.dirty) to_store.push_back(std::move(s));
  std::optional<std::vector<std::string>> entry_ids;
  try {
    entry_ids =
        commit_fenced(partition, next_offset, to_store, batch.outbox, {}, activity_of(batch));
  } catch (const redis::RedisError& e) {
    // Refused for good (not a stale epoch, not a passing state of the server): something in
    // this batch. Nothing of it was written; one message at a time finds which.
    spdlog::error("partition {}: commit of {} messages refused ({}); committing one by one",
                  partition, items.size(), e.what());
    for (auto& item : items) commit_one(partition, item);
    return;
  }
  if (!entry_ids) return;
  store_.remember(std::move(to_store));
  laps_.lap(Stage::commit);
  committed(partition, batch, *entry_ids, items.back().record.at.topic, next_offset);
}

void InboxPipeline::commit_one(std::int32_t partition, Item& item) {
  if (epochs_.count(partition) == 0) return;  // lost to another instance meanwhile
  const std::int64_t next_offset = item.record.at.offset + 1;
  Batch batch = run_engine(partition, std::span<Item>(&item, 1), false);
  std::vector<redis::StoredState> to_store;
  for (auto& [id, s] : batch.dirty) to_store.push_back(std::move(s));
  std::optional<std::vector<std::string>> entry_ids;
  try {
    entry_ids =
        commit_fenced(partition, next_offset, to_store, batch.outbox, {}, activity_of(batch));
  } catch (const redis::RedisError& e) {
    to_store.clear();  // not written: only the dead letter is
    batch = Batch{};
    batch.results.push_back(step_.dead_letter(item.record, {Errc::commit_failed, e.what()}));
    batch.outbox = std::move(batch.results.back().outbox);
    batch.inputs.push_back(nullptr);
    batch.records.push_back(&item.record);
    // If even the dead letter alone is refused, Redis is what fails: that ends run().
    entry_ids = commit_fenced(partition, next_offset, {}, batch.outbox, {});
  }
  if (!entry_ids) return;
  store_.remember(std::move(to_store));
  committed(partition, batch, *entry_ids, item.record.at.topic, next_offset);
}

void InboxPipeline::committed(std::int32_t partition, Batch& batch,
                              const std::vector<std::string>& entry_ids, const std::string& topic,
                              std::int64_t next_offset) {
  counters_.emitted += batch.outbox.size();
  for (std::size_t i = 0; i < batch.results.size(); ++i) {
    const StepResult& r = batch.results[i];
    switch (r.kind) {
      case StepKind::applied:
        ++counters_.applied;
        break;
      case StepKind::rejected:
        ++counters_.rejected;
        break;
      case StepKind::duplicate:
        ++counters_.duplicates;
        break;
      case StepKind::timer:
        break;
      case StepKind::engine_fault:
        ++counters_.engine_faults;
        [[fallthrough]];
      case StepKind::dead_lettered:
        ++counters_.dead_lettered;
        break;
    }
    if (r.reason) {
      // The key and the reason only: the payload may hold personal data.
      spdlog::warn("inbox {}/{}@{}: registration {}: dead-lettered: {}: {}", topic, partition,
                   batch.records[i]->at.offset, batch.records[i]->key.substr(0, 128),
                   wire_code(r.reason->code), r.reason->message.substr(0, 200));
    }
    if (monitor_ != nullptr) {
      if (batch.inputs[i] != nullptr) monitor_->on_outcome(*batch.inputs[i], r.outcome);
      monitor_->on_committed(batch.records[i]->now);
    }
  }
  laps_.lap(Stage::other);
  relay(partition, batch.outbox, entry_ids);
  laps_.lap(Stage::produce);
  group_offsets_[kafka::TopicPartition{topic, partition}] = next_offset;
}

void InboxPipeline::commit_group_offsets(const std::vector<kafka::TopicPartition>* revoked) {
  // No consumer: the destructor's reset() (its close revokes with consumer_ already null).
  if (group_offsets_.empty() || consumer_ == nullptr) return;
  const auto at = std::chrono::steady_clock::now();
  if (revoked == nullptr && at < next_group_commit_) return;
  std::vector<std::pair<kafka::TopicPartition, std::int64_t>> offsets;
  for (auto it = group_offsets_.begin(); it != group_offsets_.end();) {
    if (revoked != nullptr &&
        std::find(revoked->begin(), revoked->end(), it->first) == revoked->end()) {
      ++it;
      continue;
    }
    offsets.push_back(*it);
    it = group_offsets_.erase(it);
  }
  consumer_->commit_async(offsets);
  if (revoked == nullptr) next_group_commit_ = at + settings_.group_commit_interval;
}

void InboxPipeline::hash_ahead(
    std::span<const Item> items,
    const std::map<RegistrationId, std::optional<Registration>>& states) {
  std::vector<const Inbound*> inputs;
  for (const auto& item : items) {
    if (const auto* in = std::get_if<Inbound>(&item.decoded)) inputs.push_back(in);
  }
  counters_.hashed_ahead += queue_passcode_work(*passcode_pool_, inputs, states, engine_);
  if (passcode_pool_->pending() > 0) passcode_pool_->run([this] { relay_.poll(); });
}

std::optional<std::vector<std::string>> InboxPipeline::commit_fenced(
    std::int32_t partition, std::optional<std::int64_t> next_offset,
    const std::vector<redis::StoredState>& states, const std::vector<codec::OutboxMessage>& outbox,
    const std::vector<RegistrationId>& fired_timers, const redis::Activity& activity) {
  try {
    const redis::CommitId id{++commits_begun_};
    auto ids = retry_("commit", [&] {
      return store_.commit(partition, epochs_.at(partition), id, next_offset, states, outbox,
                           fired_timers, activity);
    });
    ++counters_.commits;
    return ids;
  } catch (const redis::StaleEpochError& e) {
    // Another instance owns this partition now: drop the work; it is redone there.
    spdlog::error("{}", e.what());
    ++counters_.stale_commits;
    epochs_.erase(partition);
    // Its position is the new owner's to commit now, not an older one of ours.
    std::erase_if(group_offsets_,
                  [&](const auto& entry) { return entry.first.partition == partition; });
    publish_owned();
    return std::nullopt;
  }
}

redis::Activity InboxPipeline::activity_of(const Batch& batch) const {
  redis::Activity a;
  for (std::size_t i = 0; i < batch.results.size(); ++i) {
    if (batch.results[i].kind == StepKind::applied) ++a.applied;
    if (monitor_ != nullptr && batch.inputs[i] != nullptr) {
      for (const auto& f : monitor_->step_failures(*batch.inputs[i], batch.results[i].outcome)) {
        ++a.failures[f.task];
      }
    }
  }
  return a;
}

void InboxPipeline::relay(std::int32_t partition, const std::vector<codec::OutboxMessage>& msgs,
                          const std::vector<std::string>& entry_ids) {
  for (std::size_t i = 0; i < msgs.size(); ++i) {
    if (own_tasks_.owns(msgs[i].topic)) {
      own_tasks_.run(partition, msgs[i], entry_ids.at(i));
    } else {
      relay_.send(partition, entry_ids.at(i), msgs[i].topic, msgs[i].key, msgs[i].value);
    }
  }
}

void InboxPipeline::publish_owned() {
  if (monitor_ == nullptr) return;
  std::vector<std::int32_t> owned;
  for (const auto& [p, epoch] : epochs_) owned.push_back(p);
  monitor_->set_owned(std::move(owned));
}

}  // namespace enroll
