#pragma once
// The seal_publisher key seal_key_answer_fuzz trusts, and its seed corpus (make_corpus.cpp)
// signs with: from a fixed seed, so that the corpus holds answers the target accepts.
#include <sodium.h>

#include <array>

#include "workflows/crypto/published_seal_key.hpp"
#include "workflows/crypto/sodium_init.hpp"

namespace enroll::fuzz {

struct SealKeyAnswerKey {
  crypto::PublisherKeys trusted;
  std::array<unsigned char, crypto_sign_SECRETKEYBYTES> secret{};
};

inline const SealKeyAnswerKey& seal_key_answer_key() {
  static const SealKeyAnswerKey key = [] {
    crypto::ensure_sodium();
    SealKeyAnswerKey k;
    std::array<unsigned char, crypto_sign_SEEDBYTES> seed{};
    seed.fill(11);
    crypto::PublisherKey pub{};
    crypto_sign_seed_keypair(pub.data(), k.secret.data(), seed.data());
    k.trusted.emplace("seal_publisher-1", pub);
    return k;
  }();
  return key;
}

}  // namespace enroll::fuzz
