#pragma once
// A task request as a connector simulator sees it, and its answer.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace enroll::sim {

struct TaskRequestView {
  std::string subject;  // registration id
  std::string request_id;
  std::string task;
  int attempt = 1;
  nlohmann::json inputs = nlohmann::json::object();
};

struct TaskReply {
  std::string status = "ok";  // ok | retryable | failed
  nlohmann::json outputs = nlohmann::json::object();
  std::string error_code;  // when not ok
  std::string error_message;
};

// How a simulated connector misbehaves; decisions are deterministic per request id.
struct Behaviour {
  double unavailable_rate = 0.0;  // answered `unavailable` (retryable)
  std::uint64_t seed = 1;
};

// True for a fraction `rate` of keys, deterministically.
bool chance(const std::string& key, double rate, std::uint64_t seed);

}  // namespace enroll::sim
