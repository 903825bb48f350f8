#include "apps/devbroker/mock_cluster.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "errors/errc.hpp"

namespace enroll::devbroker {
namespace {

// librdkafka logs from its own threads; route them through spdlog so everything goes to
// stderr in one format.
void log_to_spdlog(const rd_kafka_t* /*rk*/, int level, const char* facility, const char* buf) {
  // The anchor handle has no bootstrap.servers on purpose; its warning would only mislead.
  if (std::string_view(facility) == "CONFWARN" &&
      std::string_view(buf).find("bootstrap.servers") != std::string_view::npos) {
    return;
  }
  const auto spd_level = level <= 3   ? spdlog::level::err
                         : level <= 4 ? spdlog::level::warn
                         : level <= 6 ? spdlog::level::info
                                      : spdlog::level::debug;
  spdlog::log(spd_level, "rdkafka {}: {}", facility, buf);
}

// "127.0.0.1:40001,127.0.0.1:40002" -> {40001, 40002}
std::vector<std::uint16_t> broker_ports(const std::string& bootstraps) {
  std::vector<std::uint16_t> ports;
  std::size_t start = 0;
  while (start < bootstraps.size()) {
    const std::size_t end = std::min(bootstraps.find(',', start), bootstraps.size());
    const std::size_t colon = bootstraps.rfind(':', end - 1);
    if (colon != std::string::npos && colon >= start) {
      ports.push_back(
          static_cast<std::uint16_t>(std::stoi(bootstraps.substr(colon + 1, end - colon - 1))));
    }
    start = end + 1;
  }
  return ports;
}

}  // namespace

MockCluster::MockCluster(int brokers) : brokers_(brokers) {
  std::array<char, 512> errstr{};
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set_log_cb(conf, log_to_spdlog);
  // No bootstrap.servers: this handle only anchors the mock cluster and never connects.
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr.data(), errstr.size());
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    throw Error(Errc::io_failed,
                std::string("cannot create the librdkafka handle: ") + errstr.data());
  }
  handle_ = rk;
  cluster_ = rd_kafka_mock_cluster_new(handle_, brokers);
  if (cluster_ == nullptr) {
    rd_kafka_destroy(handle_);
    throw Error(Errc::io_failed, "cannot create the mock cluster");
  }
  waker_ = std::make_unique<MockWaker>(broker_ports(bootstraps()));
}

MockCluster::~MockCluster() {
  {
    const auto scope = awake();  // destroying is a request to the cluster's thread too
    rd_kafka_mock_cluster_destroy(cluster_);
  }
  waker_.reset();
  rd_kafka_destroy(handle_);
}

std::string MockCluster::bootstraps() const { return rd_kafka_mock_cluster_bootstraps(cluster_); }

}  // namespace enroll::devbroker
