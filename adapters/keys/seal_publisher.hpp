#pragma once
// The `seal_publisher` key: Ed25519, a keyring of the key folder
// (<keys>/seal_publisher/seal_publisher-<n>.key, its public half seal_publisher-<n>.pub beside
// it). enrollmentd signs the passcode sealing key it publishes with the current version
// (workflows/crypto/published_seal_key.hpp); a channel back-end is given the .pub files out
// of band (copied into its own key folder's seal_publisher/) and verifies with them. A new
// version (enroll-keygen --rotate-key seal_publisher, or a fresh folder) signs from the next
// start; back-ends keep the older .pub until every server signs with the new one.
#include <filesystem>
#include <string>

#include "adapters/keys/keyring.hpp"
#include "workflows/crypto/published_seal_key.hpp"

namespace enroll {

inline constexpr const char* kSealPublisher = "seal_publisher";

// Adds a fresh version (a new Ed25519 key pair; the .pub with it); returns its id.
std::string add_seal_publisher_version(const std::filesystem::path& keys);

// enrollmentd's signing keys. Throws KeysError (one line), e.g. for a folder made before
// this key existed ("enroll-keygen DIR --rotate-key seal_publisher" adds it).
Keyring load_seal_publisher(const std::filesystem::path& keys);

// Every seal_publisher-<n>.pub in <keys>/seal_publisher/ (public files: no one else may
// write them), by id: what a channel back-end trusts. Throws KeysError if there is none or
// one is malformed.
crypto::PublisherKeys load_seal_publisher_public_keys(const std::filesystem::path& keys);

}  // namespace enroll
