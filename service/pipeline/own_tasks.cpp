#include "service/pipeline/own_tasks.hpp"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "adapters/codec/envelope.hpp"

namespace enroll {

OwnTasks::OwnTasks(redis::Store& store, OutboxRelay& relay, const RedisRetry& retry, Topics topics,
                   std::string source, const trust::Signer& signer)
    : store_(store),
      relay_(relay),
      retry_(retry),
      topics_(std::move(topics)),
      requests_(topics_.requests("orchestrator")),
      source_(std::move(source)),
      signer_(signer) {}

void OwnTasks::run(std::int32_t partition, const codec::OutboxMessage& msg,
                   const std::string& entry_id) {
  // The request is read back from its outbox entry (after a crash that is all there is); one
  // that cannot be read is the engine's fault: set aside, not retried.
  nlohmann::json request;
  std::string request_id;
  try {
    request = nlohmann::json::parse(msg.value);
    request_id = request.at("data").at("request_id").get<std::string>();
    (void)request.at("subject").get<std::string>();
    (void)request.at("data").at("task").get<std::string>();
    (void)request.at("data").at("inputs").is_object();
  } catch (const nlohmann::json::exception& e) {
    spdlog::error("registration {}: engine fault: own task request unreadable: {}",
                  msg.key.substr(0, 128), e.what());
    relay_.park(partition, entry_id, msg.key, RD_KAFKA_RESP_ERR__BAD_MSG);
    return;
  }
  const auto& data = request.at("data");
  const RegistrationId id(request.at("subject").get<std::string>());
  const std::string task = data.at("task");
  const auto& inputs = data.at("inputs");
  const std::string hash =
      inputs.is_object() && inputs.contains("citizen_hash") && inputs.at("citizen_hash").is_string()
          ? inputs.at("citizen_hash").get<std::string>()
          : std::string();
  // Under the citizen_hash versions before a rotation (requests made before it have none).
  std::vector<std::string> older;
  if (inputs.is_object() && inputs.contains("older_citizen_hashes") &&
      inputs.at("older_citizen_hashes").is_array()) {
    for (const auto& h : inputs.at("older_citizen_hashes")) {
      if (h.is_string()) older.push_back(h.get<std::string>());
    }
  }
  if (task == "citizen.release") {
    retry_("release", [&] {
      store_.release_citizen(hash, older, id, partition);
      return 0;
    });
    relay_.done(partition, entry_id);  // nothing to answer
    return;
  }
  nlohmann::json result{{"request_id", request_id}, {"task", task}};
  if (task == "citizen.claim") {
    const bool held =
        retry_("claim", [&] { return store_.claim_citizen(hash, older, id, partition); });
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
  const auto event = codec::inbox_envelope(
      {"result/" + request_id, source_ + "/orchestrator", "task.result", id.str()},
      std::move(result), signer_);
  relay_.send(partition, entry_id, topics_.inbox(), id.str(),
              event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace enroll
