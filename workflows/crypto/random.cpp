#include "workflows/crypto/random.hpp"

#include <sodium.h>

#include <vector>

#include "workflows/crypto/sodium_init.hpp"

namespace enroll::crypto {

std::string random_hex(std::size_t bytes) {
  ensure_sodium();
  std::vector<unsigned char> raw(bytes);
  randombytes_buf(raw.data(), raw.size());
  std::string hex(2 * bytes + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), raw.data(), raw.size());
  hex.pop_back();  // the terminating NUL
  return hex;
}

}  // namespace enroll::crypto
