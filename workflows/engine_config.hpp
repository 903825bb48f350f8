#pragma once
// What the engine needs besides state and event: the definitions and the secrets that make
// its outputs deterministic (salts are derived, never random).
#include <array>
#include <chrono>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "workflows/crypto/field_cipher.hpp"
#include "workflows/crypto/key_view.hpp"
#include "workflows/crypto/passcode_verifier.hpp"
#include "workflows/definition.hpp"
#include "workflows/ids.hpp"

namespace enroll {

struct EngineConfig {
  const DefinitionCatalog* catalog = nullptr;
  // Views of the key folder's keyrings (adapters/keys/keyring.hpp), which outlive the config.
  // Where only the current version is kept here, what it made holds all it needs (a verifier
  // its salt, a registration its pending request id).
  crypto::KeyView passcode_salt_key;               // the current version
  std::vector<crypto::KeyView> citizen_hash_keys;  // every version, the current last
  std::vector<crypto::KeyView> qr_mac_keys;        // every version, the current last
  crypto::KeyView request_id_key;  // the current version: makes task request ids unguessable
  crypto::PasscodeHashParams passcode_hash;
  // Seals the personal fields of the stored state (issue 15); none: stored in the clear (tests
  // of the engine alone). Used where the state is written, not by the engine.
  const crypto::FieldCipher* field_cipher = nullptr;
  // Argon2id results computed ahead (by enrollmentd's worker pool); none: computed inline.
  const crypto::PasscodeResults* passcode_ahead = nullptr;
  std::size_t dedupe_window = 256;  // inbound ids remembered per registration
  // How long a finished registration is kept whole before it becomes a tombstone; none:
  // forever. Read when a registration ends (its purge time is then part of its state).
  std::optional<std::chrono::milliseconds> retain_finished;
};

// The keyed hash of a citizen ID under the current citizen_hash version: what the
// one-active-registration claim and the audit trail carry instead of the ID.
std::string citizen_hash(const EngineConfig& config, const std::string& citizen_id);
// Its hashes under the older versions still kept (a claim made before a rotation holds one).
std::vector<std::string> older_citizen_hashes(const EngineConfig& config,
                                              const std::string& citizen_id);
// The inputs of the claim and release tasks: {"citizen_hash": current, "citizen_hash_key": its
// version's id, "older_citizen_hashes": [...], only while older versions are kept}.
nlohmann::json citizen_claim_inputs(const EngineConfig& config, const std::string& citizen_id);

// The id of a task request: base64url of HMAC-SHA256(request_id_key, registration | step |
// entries | attempt) truncated to 128 bits. A capability: only the connector sent the request
// knows it, so a result cannot be made up without it; deterministic, so a replay sends the
// same request.
RequestId task_request_id(const EngineConfig& config, const RegistrationId& id,
                          std::string_view step, int entries, int attempt);

// The salt of the passcode verifier that event `event` sets for registration `id`: derived
// from a secret key and both ids, so that a replay makes the same verifier.
std::array<unsigned char, 16> passcode_salt(const EngineConfig& config, const RegistrationId& id,
                                            const EventId& event);

}  // namespace enroll
