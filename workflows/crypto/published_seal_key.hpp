#pragma once
// The passcode sealing key as the HTTP API publishes it (GET /v1/keys/passcode), signed, so
// that whoever sits between a channel back-end and the API cannot hand out a key of their own
// and read the passcodes sealed to it. The signer is a `seal_publisher` Ed25519 key of the
// key folder; a channel back-end is given its public half (seal_publisher-<n>.pub) out of band
// and seals only to a key that verifies against it.
//
// What is signed (Ed25519, detached), byte for byte:
//   "enroll passcode sealing key v1" 0x00 <key_id> 0x00 <the 32 raw public key bytes>
// The body: {"algorithm": ..., "key_id": ..., "public_key": base64, "signed_by":
// "seal_publisher-<n>", "signature": base64}.
#include <sodium.h>

#include <array>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "workflows/crypto/sealed_box.hpp"

namespace enroll::crypto {

using PublisherKey = std::array<unsigned char, crypto_sign_PUBLICKEYBYTES>;
// The publisher keys a back-end trusts, by id ("seal_publisher-<n>").
using PublisherKeys = std::map<std::string, PublisherKey, std::less<>>;

inline constexpr std::string_view kSealKeyAlgorithm = "crypto_box_seal (X25519, XSalsa20-Poly1305)";

// The bytes signed for this key (see above).
std::vector<unsigned char> seal_key_statement(std::string_view key_id, const SealPublicKey& key);

// The body GET /v1/keys/passcode answers; `publisher_secret` is the Ed25519 secret key
// (crypto_sign_SECRETKEYBYTES) of version `publisher_id`.
nlohmann::json publish_seal_key(std::string_view key_id, const SealPublicKey& key,
                                std::string_view publisher_id,
                                std::span<const unsigned char> publisher_secret);

// The key of a published body, after checking its signature against `trusted`. Throws
// Error(bad_signature) with a one-line reason for a body that is not one (fields missing,
// not base64, wrong sizes, over 4 KiB of any field), is unsigned, names a publisher not in
// `trusted`, or whose signature does not verify.
SealPublicKey verify_published_seal_key(const nlohmann::json& body, const PublisherKeys& trusted);

}  // namespace enroll::crypto
