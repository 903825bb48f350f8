#include "adapters/keys/secret_bytes.hpp"

#include <sodium.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstring>
#include <new>
#include <string>
#include <utility>

#include "adapters/keys/keys.hpp"
#include "workflows/crypto/sodium_init.hpp"

namespace enroll {

SecretBytes::SecretBytes(std::span<const unsigned char> bytes) : size_(bytes.size()) {
  crypto::ensure_sodium();
  // sodium_malloc(0) may return a valid pointer or not; one byte keeps it uniform.
  data_ = static_cast<unsigned char*>(sodium_malloc(bytes.empty() ? 1 : bytes.size()));
  if (data_ == nullptr) throw std::bad_alloc();
  if (!bytes.empty()) std::memcpy(data_, bytes.data(), bytes.size());
  // Read-only from here: a stray write into a key faults instead of corrupting it.
  sodium_mprotect_readonly(data_);
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    if (data_ != nullptr) sodium_free(data_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

SecretBytes::~SecretBytes() {
  if (data_ != nullptr) sodium_free(data_);  // wipes, unlocks, unmaps
}

void no_core_dumps() {
  const rlimit none{0, 0};
  if (::setrlimit(RLIMIT_CORE, &none) != 0) {
    throw KeysError(std::string("cannot turn core dumps off (setrlimit): ") + std::strerror(errno));
  }
  if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
    throw KeysError(std::string("cannot turn core dumps off (prctl): ") + std::strerror(errno));
  }
}

}  // namespace enroll
