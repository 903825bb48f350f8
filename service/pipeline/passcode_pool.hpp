#pragma once
// The Argon2id work of a batch, done ahead of the ordered path on worker threads (design.md:
// "the hashing runs in a worker pool ahead of the ordered path, not inside a partition's
// critical section"). The pipeline adds a batch's jobs (verifiers to make for passcode.set,
// passcodes to check for consent.confirm), runs them on the pool, and gives the engine this
// object as its crypto::PasscodeResults: the engine takes each result from here and computes
// only what is missing (a job that failed, or an input that was not foreseen). Argon2id is a
// pure function, so the states are the same with or without the pool.
//
// Lifecycle: owned by the pipeline; add/run/clear are called from the pipeline thread only;
// the lookups run on it too (inside the engine). The worker threads start in the constructor
// and are joined by the destructor (after the batch in hand).
#include <array>
#include <boost/asio/thread_pool.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "workflows/crypto/passcode_verifier.hpp"

namespace enroll {

class PasscodePool final : public crypto::PasscodeResults {
 public:
  // `threads` >= 1 workers, hashing with `params` (the engine's).
  PasscodePool(std::size_t threads, crypto::PasscodeHashParams params);
  ~PasscodePool() override;
  PasscodePool(const PasscodePool&) = delete;
  PasscodePool& operator=(const PasscodePool&) = delete;

  // A verifier to make (the passcode is copied, and wiped by clear()).
  void add_verifier(const SecretString& passcode, const std::array<unsigned char, 16>& salt);
  // A passcode to check against a stored verifier.
  void add_check(const std::string& verifier, const SecretString& passcode);
  [[nodiscard]] std::size_t pending() const { return jobs_.size(); }
  // Runs the jobs added since clear() on the workers and returns when all are done, calling
  // `while_waiting` every few milliseconds meanwhile (the pipeline serves Kafka's callbacks).
  void run(const std::function<void()>& while_waiting);
  // Forgets the batch: wipes its passcodes, drops its results.
  void clear();

  [[nodiscard]] std::optional<std::string> verifier(
      const SecretString& passcode, std::span<const unsigned char, 16> salt,
      const crypto::PasscodeHashParams& params) const override;
  [[nodiscard]] std::optional<bool> verified(const std::string& verifier,
                                             const SecretString& passcode) const override;

 private:
  struct Job {
    SecretString passcode;
    std::array<unsigned char, 16> salt{};  // a verifier job
    std::string verifier;                  // a check job: the stored one; else the result
    bool check = false;
    std::optional<bool> matches;  // a check job's result
    bool done = false;            // false also when the hashing failed
  };
  void work(Job& job) const;

  crypto::PasscodeHashParams params_;
  // Jobs are held by pointer: a worker writes its own job while others are added to no one.
  std::vector<std::unique_ptr<Job>> jobs_;
  boost::asio::thread_pool pool_;
};

}  // namespace enroll
