#pragma once
// A task request as a connector simulator sees it, its answer, and the failure-injection
// knobs shared by the simulators.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

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

// How the simulated connectors misbehave. Every draw is deterministic (see chance()):
//   unavailable_rate    per request id: retryable `unavailable` (capture, registry, qr.display)
//   blurry_rate         per citizen and side: card.*.ocr fails `blurry` on the first take
//   liveness_fail_rate  per citizen: face.liveness scores 0.3 on the first selfie
//   face_mismatch_rate  per citizen: face.match scores 0.2 for the first selfie
//   revoked_rate        per citizen: card.verify says `revoked`, every time
//   review_reject_rate  per registration: the officer rejects
// The recoverable ones (blurry, liveness, mismatch) hit only take 1 of an image (the take
// is part of the simulated image reference), so those journeys usually recover on a retake.
struct Behaviour {
  double unavailable_rate = 0.0;
  double blurry_rate = 0.0;
  double liveness_fail_rate = 0.0;
  double face_mismatch_rate = 0.0;
  double revoked_rate = 0.0;
  double review_reject_rate = 0.0;
  std::uint64_t seed = 1;
};

// A 64-bit hash that is the same on every build (std::hash is not), so a draw is
// reproducible across machines.
std::uint64_t stable_hash(std::string_view text, std::uint64_t seed = 0);

// True for a fraction `rate` of keys, deterministically.
bool chance(const std::string& key, double rate, std::uint64_t seed);

// chance() for one kind of failure: `what` separates the draws of different failures for
// the same key (so a citizen drawn blurry is not also drawn revoked).
bool draw(std::string_view what, const std::string& key, double rate, std::uint64_t seed);

TaskReply failed_reply(std::string code, std::string message);
TaskReply unavailable_reply(std::string message);

}  // namespace enroll::sim
