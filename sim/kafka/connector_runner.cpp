#include "sim/kafka/connector_runner.hpp"

#include <spdlog/spdlog.h>

#include "sim/task_result.hpp"

namespace enroll::sim {
namespace {

std::vector<std::string> request_topics(const ConnectorRunnerSettings& s) {
  std::vector<std::string> out;
  for (const auto& c : s.connectors) out.push_back(s.topics.requests(c));
  return out;
}

kafka::Settings consumer_settings(const ConnectorRunnerSettings& s) {
  auto k = s.kafka;
  k["group.id"] = s.group;
  k["enable.auto.commit"] = "true";  // a simulator may answer a request twice; that is fine
  return k;
}

}  // namespace

ConnectorRunner::ConnectorRunner(ConnectorRunnerSettings settings)
    : settings_(std::move(settings)),
      responder_(settings_.behaviour, settings_.scenario),
      producer_(settings_.kafka, nullptr),
      consumer_(consumer_settings(settings_), request_topics(settings_), nullptr) {}

void ConnectorRunner::handle(const kafka::Message& m) {
  nlohmann::json ev;
  try {
    ev = nlohmann::json::parse(m.value);
  } catch (const nlohmann::json::exception&) {
    spdlog::warn("sim connectors: not JSON at {}/{}@{}", m.topic, m.partition, m.offset);
    return;
  }
  if (!ev.is_object() || ev.value("type", "") != "task.request" || !ev.contains("data") ||
      !ev["data"].is_object()) {
    return;
  }
  const auto& data = ev["data"];
  TaskRequestView req;
  Response response;
  std::string connector;
  try {  // a malformed request is skipped, not fatal: the engine's timeout handles it
    req = {ev.value("subject", ""), data.value("request_id", ""), data.value("task", ""),
           data.value("attempt", 1), data.value("inputs", nlohmann::json::object())};
    if (!req.inputs.is_object()) req.inputs = nlohmann::json::object();
    connector = m.topic.substr(settings_.topics.requests("").size());
    response = responder_.respond(connector, req);
  } catch (const nlohmann::json::exception& e) {
    spdlog::warn("sim connectors: bad task.request at {}/{}@{}: {}", m.topic, m.partition, m.offset,
                 e.what());
    return;
  }
  if (!response.reply) {
    ++dropped_;  // the scenario drops it: the engine's step timeout has to act
    spdlog::info("sim connectors: dropped {} ({})", req.request_id, req.task);
    return;
  }
  const auto due = std::chrono::steady_clock::now() + response.delay.value_or(settings_.latency);
  try {
    pending_.emplace(
        due, Pending{req.subject, task_result_event(req, *response.reply, settings_.source,
                                                    settings_.signers->for_connector(connector))});
  } catch (const std::exception& e) {  // no key for the connector, or outputs without a
                                       // canonical form: the engine's timeout acts
    ++dropped_;
    spdlog::warn("sim connectors: cannot sign the answer to {}: {}", req.request_id, e.what());
  }
}

void ConnectorRunner::run() {
  while (!stopping_) {
    const auto wait =
        pending_.empty() ? std::chrono::milliseconds(100) : std::chrono::milliseconds(5);
    for (const auto& m : consumer_.poll_batch(500, wait)) handle(m);
    const auto now = std::chrono::steady_clock::now();
    while (!pending_.empty() && pending_.begin()->first <= now) {
      const auto& p = pending_.begin()->second;
      producer_.produce(settings_.topics.inbox(), p.key, p.value);
      pending_.erase(pending_.begin());
      ++answered_;
    }
    producer_.poll(0);
  }
  producer_.flush(5000);
  consumer_.close();
}

}  // namespace enroll::sim
