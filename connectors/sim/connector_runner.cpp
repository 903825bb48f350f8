#include "connectors/sim/connector_runner.hpp"

#include <spdlog/spdlog.h>

#include "connectors/capture/capture_simulator.hpp"
#include "connectors/registry/registry_simulator.hpp"

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
      producer_(settings_.kafka, nullptr),
      consumer_(consumer_settings(settings_), request_topics(settings_), nullptr) {}

std::string ConnectorRunner::result_event(const TaskRequestView& request, const TaskReply& reply,
                                          const std::string& source) {
  nlohmann::json data{{"request_id", request.request_id},
                      {"task", request.task},
                      {"status", reply.status},
                      {"outputs", reply.outputs}};
  if (reply.status != "ok") {
    data["error"] = {{"code", reply.error_code}, {"message", reply.error_message}};
  }
  return nlohmann::json{{"specversion", "1.0"},       {"id", "result/" + request.request_id},
                        {"source", source},           {"type", "task.result"},
                        {"subject", request.subject}, {"datacontenttype", "application/json"},
                        {"data", std::move(data)}}
      .dump();
}

void ConnectorRunner::handle(const kafka::Message& m) {
  nlohmann::json ev;
  try {
    ev = nlohmann::json::parse(m.value);
  } catch (const nlohmann::json::exception&) {
    spdlog::warn("sim connectors: not JSON at {}/{}@{}", m.topic, m.partition, m.offset);
    return;
  }
  if (ev.value("type", "") != "task.request") return;
  const auto& data = ev.at("data");
  TaskRequestView req{ev.value("subject", ""), data.value("request_id", ""), data.value("task", ""),
                      data.value("attempt", 1), data.value("inputs", nlohmann::json::object())};
  const std::string connector = m.topic.substr(settings_.topics.requests("").size());
  TaskReply reply = connector == "capture" ? answer_capture(req, settings_.behaviour)
                                           : answer_registry(req, settings_.behaviour);
  pending_.push_back({std::chrono::steady_clock::now() + settings_.latency, req.subject,
                      result_event(req, reply, settings_.source)});
}

void ConnectorRunner::run() {
  while (!stopping_) {
    const auto wait =
        pending_.empty() ? std::chrono::milliseconds(100) : std::chrono::milliseconds(5);
    for (const auto& m : consumer_.poll_batch(500, wait)) handle(m);
    const auto now = std::chrono::steady_clock::now();
    while (!pending_.empty() && pending_.front().due <= now) {
      producer_.produce(settings_.topics.inbox(), pending_.front().key, pending_.front().value);
      pending_.pop_front();
      ++answered_;
    }
    producer_.poll(0);
  }
  producer_.flush(5000);
  consumer_.close();
}

}  // namespace enroll::sim
