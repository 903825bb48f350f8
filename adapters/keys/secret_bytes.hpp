#pragma once
// Key bytes kept where a secret belongs: in memory from sodium_malloc (locked with mlock so it
// is never swapped, guard pages on both sides, wiped by sodium_free), readable only through a
// view, never copied. A core dump is kept from holding it by the process (no_core_dumps()) and
// the unit (LimitCORE=0).
#include <cstddef>
#include <span>

namespace enroll {

class SecretBytes {
 public:
  // A locked copy of `bytes`; the caller wipes its own. Throws std::bad_alloc.
  explicit SecretBytes(std::span<const unsigned char> bytes);
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  ~SecretBytes();

  [[nodiscard]] std::span<const unsigned char> view() const noexcept { return {data_, size_}; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }

 private:
  unsigned char* data_ = nullptr;
  std::size_t size_ = 0;
};

// Turns core dumps off for this process (prctl PR_SET_DUMPABLE 0 and RLIMIT_CORE 0), so a
// crash never writes the keys to disk. Throws KeysError if the kernel refuses.
void no_core_dumps();

}  // namespace enroll
