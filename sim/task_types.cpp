#include "sim/task_types.hpp"

namespace enroll::sim {
namespace {

std::uint64_t mix(std::uint64_t x) {  // splitmix64 finaliser
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

std::uint64_t stable_hash(std::string_view text, std::uint64_t seed) {
  std::uint64_t h = 0xcbf29ce484222325ULL ^ mix(seed);  // FNV-1a, then a scramble
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return mix(h);
}

bool chance(const std::string& key, double rate, std::uint64_t seed) {
  if (rate <= 0) return false;
  if (rate >= 1) return true;
  return static_cast<double>(stable_hash(key, seed) % 1'000'000) < rate * 1'000'000.0;
}

bool draw(std::string_view what, const std::string& key, double rate, std::uint64_t seed) {
  return chance(std::string(what) + "|" + key, rate, seed);
}

TaskReply failed_reply(std::string code, std::string message) {
  TaskReply r;
  r.status = "failed";
  r.error_code = std::move(code);
  r.error_message = std::move(message);
  return r;
}

TaskReply unavailable_reply(std::string message) {
  TaskReply r;
  r.status = "retryable";
  r.error_code = "unavailable";
  r.error_message = std::move(message);
  return r;
}

}  // namespace enroll::sim
