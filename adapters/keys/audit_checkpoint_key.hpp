#pragma once
// The audit checkpoint key (issue 15, item 5): an Ed25519 key pair with versions,
// <keys>/audit_checkpoint/audit_checkpoint-<n>.key (the 64-byte secret, 0600) and its public
// half audit_checkpoint-<n>.pub (0644), which auditors get out of band to verify a trail.
// Only enrollmentd reads the secret half; it never goes to Redis or Kafka.
#include <filesystem>
#include <string>

#include "adapters/keys/keyring.hpp"

namespace enroll {

inline constexpr std::string_view kAuditCheckpointPurpose = "audit_checkpoint";

// Adds a fresh version (the new current one: rotation); returns its id. Throws KeysError.
std::string add_audit_checkpoint_key(const std::filesystem::path& keys);

// Every version. Throws KeysError (none, or one not 64 bytes).
Keyring load_audit_checkpoint_keys(const std::filesystem::path& keys);

}  // namespace enroll
