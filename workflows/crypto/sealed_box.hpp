#pragma once
// Passcodes travel sealed to the orchestrator's public key (libsodium sealed box), so only
// the orchestrator can read them.
#include <sodium.h>

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "workflows/secret.hpp"

namespace enroll::crypto {

struct SealPublicKey {
  std::array<unsigned char, crypto_box_PUBLICKEYBYTES> bytes;
};

struct SealKeyPair {
  SealPublicKey pub;
  std::array<unsigned char, crypto_box_SECRETKEYBYTES> secret;
};

SealKeyPair generate_seal_keypair();

// Base64 of crypto_box_seal(plaintext); what a channel back-end (or a simulator) sends.
std::string seal(std::string_view plaintext, const SealPublicKey& key);

// nullopt if the text is not base64 or the box does not open with this key pair.
std::optional<SecretString> open_sealed(std::string_view base64, const SealKeyPair& keys);

}  // namespace enroll::crypto
