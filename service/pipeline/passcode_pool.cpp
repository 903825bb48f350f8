#include "service/pipeline/passcode_pool.hpp"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace enroll {
namespace {

bool same_secret(const SecretString& a, const SecretString& b) {
  return a.size() == b.size() && sodium_memcmp(a.view().data(), b.view().data(), a.size()) == 0;
}

}  // namespace

PasscodePool::PasscodePool(std::size_t threads, crypto::PasscodeHashParams params)
    : params_(params), pool_(threads) {}

PasscodePool::~PasscodePool() {
  pool_.join();  // no job is left: run() waits for its batch
}

void PasscodePool::add_verifier(const SecretString& passcode,
                                const std::array<unsigned char, 16>& salt) {
  auto job = std::make_unique<Job>();
  job->passcode = SecretString(std::string(passcode.view()));
  job->salt = salt;
  jobs_.push_back(std::move(job));
}

void PasscodePool::add_check(const std::string& verifier, const SecretString& passcode) {
  auto job = std::make_unique<Job>();
  job->passcode = SecretString(std::string(passcode.view()));
  job->verifier = verifier;
  job->check = true;
  jobs_.push_back(std::move(job));
}

void PasscodePool::work(Job& job) const {
  try {
    if (job.check) {
      job.matches = crypto::verify_passcode(job.verifier, job.passcode, params_.peppers);
    } else {
      job.verifier = crypto::make_passcode_verifier(job.passcode, job.salt, params_);
    }
    job.done = true;
  } catch (const std::exception& e) {
    // Left undone: the engine computes it itself, and meets the error in order.
    spdlog::warn("passcode pool: {}", e.what());
  }
}

void PasscodePool::run(const std::function<void()>& while_waiting) {
  std::mutex mutex;
  std::condition_variable finished;
  std::size_t left = 0;
  for (auto& job : jobs_) {
    if (job->done) continue;
    ++left;
    boost::asio::post(pool_, [this, j = job.get(), &mutex, &finished, &left] {
      work(*j);
      const std::lock_guard lock(mutex);
      if (--left == 0) finished.notify_one();
    });
  }
  std::unique_lock lock(mutex);
  while (left > 0) {
    if (!finished.wait_for(lock, std::chrono::milliseconds(20), [&] { return left == 0; })) {
      lock.unlock();
      while_waiting();
      lock.lock();
    }
  }
}

void PasscodePool::clear() { jobs_.clear(); }

std::optional<std::string> PasscodePool::verifier(const SecretString& passcode,
                                                  std::span<const unsigned char, 16> salt,
                                                  const crypto::PasscodeHashParams& params) const {
  if (params.opslimit != params_.opslimit || params.memlimit != params_.memlimit) {
    return std::nullopt;
  }
  for (const auto& job : jobs_) {
    if (!job->check && job->done && std::equal(salt.begin(), salt.end(), job->salt.begin()) &&
        same_secret(job->passcode, passcode)) {
      return job->verifier;
    }
  }
  return std::nullopt;
}

std::optional<bool> PasscodePool::verified(const std::string& verifier,
                                           const SecretString& passcode) const {
  for (const auto& job : jobs_) {
    if (job->check && job->done && job->verifier == verifier &&
        same_secret(job->passcode, passcode)) {
      return job->matches;
    }
  }
  return std::nullopt;
}

}  // namespace enroll
