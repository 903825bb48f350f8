#include "connectors/pipeline/inbox_pipeline.hpp"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "workflows/engine.hpp"

namespace enroll {
namespace {

Timestamp message_time(const kafka::Message& m) {
  // The broker's timestamp makes a replay see the same time as the first run.
  if (m.timestamp_ms > 0) return from_millis(m.timestamp_ms);
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

bool has_rejection(const std::vector<Effect>& effects) {
  for (const auto& e : effects) {
    if (const auto* ev = std::get_if<EmitEvent>(&e);
        ev != nullptr && ev->type == EventType::command_rejected) {
      return true;
    }
  }
  return false;
}

}  // namespace

InboxPipeline::InboxPipeline(PipelineSettings settings, redis::Store& store,
                             const codec::SchemaSet& schemas,
                             const crypto::SealKeyPair& passcode_keys, EngineConfig engine)
    : settings_(std::move(settings)),
      store_(store),
      decoder_(schemas, passcode_keys),
      encoder_(settings_.topics, settings_.source),
      engine_(std::move(engine)) {
  if (settings_.passcode_workers > 0) {
    passcode_pool_ =
        std::make_unique<PasscodePool>(settings_.passcode_workers, engine_.passcode_hash);
    engine_.passcode_ahead = passcode_pool_.get();
  }
  producer_ = std::make_unique<kafka::Producer>(settings_.kafka, [this](const kafka::Delivery& d) {
    auto it = in_flight_.find(d.token);
    if (it == in_flight_.end()) return;
    if (d.error == RD_KAFKA_RESP_ERR_NO_ERROR) {
      delivered_[it->second.first].push_back(it->second.second);
    } else {
      // Stays in the outbox; re-sent when the partition is next claimed.
      spdlog::error("relay: delivery failed for outbox entry {} of partition {}: {}",
                    it->second.second, it->second.first, rd_kafka_err2str(d.error));
    }
    in_flight_.erase(it);
  });
  kafka::Settings consumer_settings = settings_.kafka;
  consumer_settings.insert(settings_.consumer.begin(), settings_.consumer.end());
  consumer_settings["group.id"] = settings_.group;
  consumer_ = std::make_unique<kafka::Consumer>(
      consumer_settings, std::vector<std::string>{settings_.topics.inbox()}, this);
}

InboxPipeline::~InboxPipeline() = default;

template <class F>
auto InboxPipeline::with_redis_retry(const char* what, F&& f) -> decltype(f()) {
  auto pause = std::chrono::milliseconds(100);
  for (;;) {
    try {
      return f();
    } catch (const redis::RedisError& e) {
      if (!e.retryable() || stopping_) throw;
      spdlog::warn("redis {}: {}; retrying in {} ms", what, e.what(), pause.count());
      producer_->poll(0);
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::milliseconds(5000));
    }
  }
}

std::vector<std::optional<std::int64_t>> InboxPipeline::on_assigned(
    const std::vector<kafka::TopicPartition>& partitions) {
  std::vector<std::optional<std::int64_t>> starts;
  for (const auto& tp : partitions) {
    const auto claim = with_redis_retry("claim", [&] { return store_.claim(tp.partition); });
    epochs_[tp.partition] = claim.epoch;
    starts.push_back(claim.next_offset);
    // Whatever the previous owner committed but could not relay goes out now (same ids).
    auto pending = with_redis_retry("outbox", [&] { return store_.pending_outbox(tp.partition); });
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
  return starts;
}

void InboxPipeline::on_revoked(const std::vector<kafka::TopicPartition>& partitions) {
  acknowledge_delivered();
  for (const auto& tp : partitions) epochs_.erase(tp.partition);
  publish_owned();
  spdlog::info("{} partitions revoked", partitions.size());
}

void InboxPipeline::run() {
  while (!stopping_) {
    auto batch = consumer_->poll_batch(settings_.batch_size, settings_.poll_timeout);
    producer_->poll(0);
    if (!batch.empty()) process(std::move(batch));
    if (std::chrono::steady_clock::now() >= next_timer_check_) {
      fire_timers();
      next_timer_check_ = std::chrono::steady_clock::now() + settings_.timer_interval;
      if (monitor_ != nullptr) monitor_->set_lag(consumer_->lag());
    }
    producer_->poll(0);
    acknowledge_delivered();
  }
  // SIGTERM: the batch in hand is committed; now flush what is being relayed and leave.
  if (!producer_->flush(10000)) spdlog::warn("relay: flush timed out; the outbox keeps the rest");
  acknowledge_delivered();
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
      items.push_back(Item{&m, decoder_.decode(m.value, m.key), message_time(m)});
    }
    apply_and_commit(partition, items, msgs.back().offset + 1);
  }
}

void InboxPipeline::fire_timers() {
  if (epochs_.empty()) return;
  std::vector<std::int32_t> partitions;
  for (const auto& [p, epoch] : epochs_) partitions.push_back(p);
  const Timestamp now =
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  auto due = with_redis_retry("timers", [&] { return store_.due_timers(partitions, now, 256); });
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

void InboxPipeline::apply_and_commit(std::int32_t partition, std::vector<Item>& items,
                                     std::int64_t next_offset) {
  std::vector<RegistrationId> ids;
  for (const auto& item : items) {
    if (const auto* in = std::get_if<Inbound>(&item.decoded)) ids.push_back(in->subject);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  auto states = with_redis_retry("load", [&] { return store_.load(partition, ids); });
  if (passcode_pool_) hash_ahead(items, states);

  std::map<RegistrationId, Registration> dirty;
  std::vector<codec::OutboxMessage> outbox;
  for (auto& item : items) {
    const auto* m = item.msg;
    if (const auto* err = std::get_if<codec::DecodeError>(&item.decoded)) {
      spdlog::warn("inbox {}/{}@{}: dead-lettered: {}: {}", m->topic, m->partition, m->offset,
                   err->code, err->message);
      outbox.push_back(encoder_.dead_letter({m->topic, m->partition, m->offset}, m->key, m->value,
                                            *err, item.now));
      ++counters_.dead_lettered;
      continue;
    }
    const auto& in = std::get<Inbound>(item.decoded);
    auto& current = states[in.subject];
    Outcome outcome;
    try {
      outcome = apply(current, in, item.now, engine_);
    } catch (const std::exception& e) {
      // Input the engine cannot use (e.g. a result whose outputs have the wrong types).
      const codec::DecodeError why{"unprocessable", e.what()};
      spdlog::warn("registration {}: {} dead-lettered: {}", in.subject.str(), to_string(in.type),
                   e.what());
      outbox.push_back(encoder_.dead_letter({m->topic, m->partition, m->offset}, m->key, m->value,
                                            why, item.now));
      ++counters_.dead_lettered;
      continue;
    }
    if (monitor_ != nullptr) monitor_->on_outcome(in, outcome);
    if (outcome.duplicate) {
      ++counters_.duplicates;
      continue;
    }
    if (outcome.state) {
      current = *outcome.state;
      dirty[in.subject] = std::move(*outcome.state);
    }
    if (in.type == CommandType::timer) {
      if (!outcome.state && current && current->next_timer() &&
          *current->next_timer() <= item.now) {
        // The engine found nothing to do at a due time: the timer is not re-armed (it would loop).
        spdlog::warn("registration {}: timer due at {} changed nothing", in.subject.str(),
                     to_rfc3339(*current->next_timer()));
      }
    } else {
      ++(has_rejection(outcome.effects) ? counters_.rejected : counters_.applied);
    }
    const std::int64_t version = current ? current->state_version : 0;
    auto encoded =
        encoder_.encode(in.subject, in.id, version, in.traceparent, item.now, outcome.effects);
    std::move(encoded.begin(), encoded.end(), std::back_inserter(outbox));
  }
  if (passcode_pool_) passcode_pool_->clear();  // wipes the batch's passcodes
  std::vector<Registration> to_store;
  to_store.reserve(dirty.size());
  for (auto& [id, s] : dirty) to_store.push_back(std::move(s));
  const auto entry_ids = commit_fenced(partition, next_offset, to_store, outbox, {});
  if (!entry_ids) return;
  counters_.emitted += outbox.size();
  if (monitor_ != nullptr) {
    for (const auto& item : items) monitor_->on_committed(item.now);
  }
  relay(partition, outbox, *entry_ids);
  if (!items.empty()) {
    consumer_->commit_async(
        {{kafka::TopicPartition{items.back().msg->topic, partition}, next_offset}});
  }
}

void InboxPipeline::hash_ahead(
    const std::vector<Item>& items,
    const std::map<RegistrationId, std::optional<Registration>>& states) {
  for (const auto& item : items) {
    const auto* in = std::get_if<Inbound>(&item.decoded);
    if (in == nullptr) continue;
    if (const auto* set = std::get_if<PasscodeSet>(&in->payload)) {
      // Only a pair that matches can become a verifier (the policy is the engine's to check).
      if (set->first && set->repeat && set->first->view() == set->repeat->view()) {
        passcode_pool_->add_verifier(*set->first, passcode_salt(engine_, in->subject, in->id));
      }
    } else if (const auto* confirm = std::get_if<ConsentConfirm>(&in->payload)) {
      const auto it = states.find(in->subject);
      if (confirm->passcode && it != states.end() && it->second &&
          !it->second->passcode_verifier.empty()) {
        passcode_pool_->add_check(it->second->passcode_verifier, *confirm->passcode);
      }
    }
  }
  if (passcode_pool_->pending() > 0) passcode_pool_->run([this] { producer_->poll(0); });
}

std::optional<std::vector<std::string>> InboxPipeline::commit_fenced(
    std::int32_t partition, std::optional<std::int64_t> next_offset,
    const std::vector<Registration>& states, const std::vector<codec::OutboxMessage>& outbox,
    const std::vector<RegistrationId>& fired_timers) {
  try {
    auto ids = with_redis_retry("commit", [&] {
      return store_.commit(partition, epochs_.at(partition), next_offset, states, outbox,
                           fired_timers);
    });
    ++counters_.commits;
    return ids;
  } catch (const redis::StaleEpochError& e) {
    // Another instance owns this partition now: drop the work; it is redone there.
    spdlog::error("{}", e.what());
    ++counters_.stale_commits;
    epochs_.erase(partition);
    publish_owned();
    return std::nullopt;
  }
}

void InboxPipeline::relay(std::int32_t partition, const std::vector<codec::OutboxMessage>& msgs,
                          const std::vector<std::string>& entry_ids) {
  const std::string own = settings_.topics.requests("orchestrator");
  for (std::size_t i = 0; i < msgs.size(); ++i) {
    if (msgs[i].topic == own) {
      run_own_task(partition, msgs[i], entry_ids.at(i));
      continue;
    }
    const std::uint64_t token = next_token_++;
    in_flight_[token] = {partition, entry_ids.at(i)};
    producer_->produce(msgs[i].topic, msgs[i].key, msgs[i].value, token);
  }
}

void InboxPipeline::run_own_task(std::int32_t partition, const codec::OutboxMessage& msg,
                                 const std::string& entry_id) {
  const auto request = nlohmann::json::parse(msg.value);
  const auto& data = request.at("data");
  const RegistrationId id(request.at("subject").get<std::string>());
  const std::string task = data.at("task");
  const std::string hash = data.at("inputs").value("citizen_hash", "");
  if (task == "citizen.release") {
    with_redis_retry("release", [&] {
      store_.release_citizen(hash, id);
      return 0;
    });
    delivered_[partition].push_back(entry_id);  // nothing to answer
    return;
  }
  nlohmann::json result{{"request_id", data.at("request_id")}, {"task", task}};
  if (task == "citizen.claim") {
    const bool held = with_redis_retry(
        "claim", [&] { return store_.claim_citizen(hash, id, settings_.citizen_claim_ttl); });
    result["status"] = held ? "ok" : "failed";
    result["outputs"] = {{"claimed", held}};
    if (!held) {
      result["error"] = {{"code", "citizen_has_active_registration"},
                         {"message", "another registration of this citizen is active"}};
    }
  } else {
    result["status"] = "failed";
    result["outputs"] = nlohmann::json::object();
    result["error"] = {{"code", "unknown_task"},
                       {"message", "the orchestrator does not do " + task}};
  }
  const nlohmann::json event{{"specversion", "1.0"},
                             {"id", "result/" + data.at("request_id").get<std::string>()},
                             {"source", settings_.source + "/orchestrator"},
                             {"type", "task.result"},
                             {"subject", id.str()},
                             {"datacontenttype", "application/json"},
                             {"data", std::move(result)}};
  // The outbox entry goes once the answer is on the inbox; a crash before re-runs the claim,
  // which is idempotent.
  const std::uint64_t token = next_token_++;
  in_flight_[token] = {partition, entry_id};
  producer_->produce(settings_.topics.inbox(), id.str(), event.dump(), token);
}

void InboxPipeline::publish_owned() {
  owned_count_ = epochs_.size();
  if (monitor_ == nullptr) return;
  std::vector<std::int32_t> owned;
  for (const auto& [p, epoch] : epochs_) owned.push_back(p);
  monitor_->set_owned(std::move(owned));
}

void InboxPipeline::acknowledge_delivered() {
  for (auto& [p, pending] : delivered_) {
    if (pending.empty()) continue;
    const std::int32_t partition = p;  // a lambda may not capture a structured binding (clang)
    auto& ids = pending;
    with_redis_retry("outbox ack", [&] {
      store_.ack_outbox(partition, ids);
      return 0;
    });
    ids.clear();
  }
}

}  // namespace enroll
