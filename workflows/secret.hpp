#pragma once
// A secret (passcode plaintext) that is wiped from memory when it is no longer needed.
// Deliberately no operator<<, no implicit conversion and no copy, so it cannot leak into a
// log line or be duplicated by accident.
#include <sodium.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace enroll {

// Zeroes a string's whole allocation (not only size() bytes), then empties it. Use it on
// temporaries that held a secret, e.g. a buffer moved into a SecretString.
inline void secure_wipe(std::string& s) noexcept {
  s.resize(s.capacity());
  sodium_memzero(s.data(), s.size());
  s.clear();
}

class SecretString {
 public:
  SecretString() = default;
  // A copy then a wipe of the parameter, not a move: a moved-from short string may still hold
  // the bytes in its inline buffer.
  explicit SecretString(std::string value) : value_(value) { wipe(value); }
  SecretString(const SecretString&) = delete;
  SecretString& operator=(const SecretString&) = delete;
  // A copy then a wipe rather than a plain move: moving a short string copies its inline
  // buffer and would leave the plaintext behind in the source.
  SecretString(SecretString&& other) noexcept
      : value_(other.value_) {  // NOLINT(performance-move-constructor-init): see above
    wipe(other.value_);
  }
  SecretString& operator=(SecretString&& other) noexcept {
    if (this != &other) {
      wipe(value_);
      value_ = other.value_;
      wipe(other.value_);
    }
    return *this;
  }
  ~SecretString() { wipe(value_); }

  [[nodiscard]] std::string_view view() const noexcept { return value_; }
  [[nodiscard]] std::size_t size() const noexcept { return value_.size(); }
  [[nodiscard]] bool empty() const noexcept { return value_.empty(); }

 private:
  static void wipe(std::string& s) noexcept { secure_wipe(s); }

  std::string value_;
};

}  // namespace enroll
