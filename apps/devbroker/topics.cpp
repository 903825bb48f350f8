#include "apps/devbroker/topics.hpp"

#include <algorithm>
#include <cctype>

namespace enroll::devbroker {

std::vector<std::string> contract_topics(std::string_view prefix) {
  std::vector<std::string> names;
  for (const std::string_view suffix : {"inbox", "events", "requests.capture", "requests.registry",
                                        "requests.officer", "audit", "dlq"}) {
    names.push_back(std::string(prefix).append(suffix));
  }
  return names;
}

bool valid_topic_name(std::string_view name) {
  return !name.empty() && name.size() <= 249 && name != "." && name != ".." &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
         });
}

int replication_factor(int brokers) { return std::min(3, brokers); }

std::string create_topic(rd_kafka_mock_cluster_t* cluster, const std::string& name, int partitions,
                         int brokers) {
  if (!valid_topic_name(name)) return "invalid topic name '" + name + "'";
  const rd_kafka_resp_err_t err =
      rd_kafka_mock_topic_create(cluster, name.c_str(), partitions, replication_factor(brokers));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return name + ": " + rd_kafka_err2name(err) + ": " + rd_kafka_err2str(err);
  }
  return {};
}

}  // namespace enroll::devbroker
