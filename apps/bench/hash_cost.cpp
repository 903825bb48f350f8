#include "apps/bench/hash_cost.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <thread>
#include <vector>

#include "workflows/crypto/passcode_verifier.hpp"

namespace enroll::bench {

double HashCost::limit_registrations_per_s() const {
  return median_ms > 0 ? cores / (kHashesPerRegistration * median_ms / 1000.0) : 0;
}

HashCost measure_hash_cost(unsigned long long opslimit, std::size_t memlimit_kib, int samples) {
  HashCost out{opslimit, memlimit_kib, samples, 0,
               std::max(1U, std::thread::hardware_concurrency())};
  const crypto::PasscodeHashParams params{.opslimit = opslimit, .memlimit = memlimit_kib * 1024};
  std::array<unsigned char, 16> salt{};
  std::vector<double> ms;
  ms.reserve(static_cast<std::size_t>(samples));
  for (int i = 0; i < samples; ++i) {
    salt[0] = static_cast<unsigned char>(i);  // a fresh input each time, as in a run
    const SecretString passcode("482915");
    const auto t0 = std::chrono::steady_clock::now();
    (void)crypto::make_passcode_verifier(passcode, salt, params);
    ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::nth_element(ms.begin(), ms.begin() + static_cast<std::ptrdiff_t>(ms.size() / 2), ms.end());
  out.median_ms = ms[ms.size() / 2];
  return out;
}

}  // namespace enroll::bench
