#include "workflows/crypto/sodium_init.hpp"

#include <sodium.h>

#include <stdexcept>

#include "errors/errc.hpp"

namespace enroll::crypto {

void ensure_sodium() {
  // A function-local static is initialised exactly once, even with concurrent callers.
  static const bool ready = [] {
    if (sodium_init() < 0) throw Error(Errc::crypto_failed, "libsodium failed to initialise");
    return true;
  }();
  (void)ready;
}

}  // namespace enroll::crypto
