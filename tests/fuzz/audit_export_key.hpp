#pragma once
// The checkpoint key of audit_export_fuzz and its seed corpus (make_corpus.cpp): from a fixed
// seed, so that the corpus holds checkpoints the target verifies.
#include <sodium.h>

#include <array>

#include "workflows/audit_checkpoint.hpp"
#include "workflows/crypto/sodium_init.hpp"

namespace enroll::fuzz {

struct AuditExportKey {
  CheckpointPublicKey pub{"audit_checkpoint-1", {}};
  std::array<unsigned char, crypto_sign_SECRETKEYBYTES> secret{};
};

inline const AuditExportKey& audit_export_key() {
  static const AuditExportKey key = [] {
    crypto::ensure_sodium();
    AuditExportKey k;
    std::array<unsigned char, crypto_sign_SEEDBYTES> seed{};
    seed.fill(7);
    crypto_sign_seed_keypair(k.pub.key.data(), k.secret.data(), seed.data());
    return k;
  }();
  return key;
}

}  // namespace enroll::fuzz
