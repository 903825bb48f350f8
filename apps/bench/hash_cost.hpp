#pragma once
// The hashing limit of a machine (issue 16, item 4): what one Argon2id hash costs at the run's
// setting, measured here before the load, and the registrations/s the cores could hash at most.
#include <cstddef>
#include <optional>

namespace enroll::bench {

// A registration hashes twice, both in enrollmentd's passcode workers (service/pipeline/
// passcode_pool): passcode.set makes the verifier (steps/passcode_steps.cpp,
// make_passcode_verifier) and consent.confirm checks the passcode against it
// (steps/consent_steps.cpp, verify_passcode: crypto_pwhash_str_verify at the verifier's cost).
inline constexpr int kHashesPerRegistration = 2;

struct HashCost {
  unsigned long long opslimit = 0;
  std::size_t memlimit_kib = 0;
  int samples = 0;
  double median_ms = 0;  // one hash, wall time on one otherwise idle thread
  unsigned cores = 0;    // online cores: enrollmentd's default worker count

  // cores / (2 hashes x time per hash): the most registrations/s the machine can hash.
  [[nodiscard]] double limit_registrations_per_s() const;
};

// Times `samples` Argon2id hashes with crypto::make_passcode_verifier (the function
// enrollmentd calls: crypto_pwhash, crypto_pwhash_ALG_ARGON2ID13, one lane) and keeps the median.
// Throws Error(bad_setting) for a cost outside libsodium's limits.
HashCost measure_hash_cost(unsigned long long opslimit, std::size_t memlimit_kib, int samples);

}  // namespace enroll::bench
