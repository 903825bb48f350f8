#pragma once
// libsodium must be initialised once before use; every crypto function calls this first.

namespace enroll::crypto {

// Thread-safe and idempotent; throws Error(crypto_failed) if libsodium cannot start.
void ensure_sodium();

}  // namespace enroll::crypto
