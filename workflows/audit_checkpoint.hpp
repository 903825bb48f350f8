#pragma once
// Audit checkpoints (issue 15, README "Audit trail"): enrollmentd signs, per Kafka partition
// and every few seconds, a Merkle root over the chain heads (registration id, seq, hash) that
// changed since its last checkpoint, and publishes it on enroll.audit. Whoever holds the
// public half of the checkpoint key can then tell, from an export of enroll.audit alone, a
// chain dropped, cut short or rewritten, even when Redis was rewritten to match.
//
// The tree is RFC 6962's: leaf = SHA-256(0x00 || JCS leaf), node = SHA-256(0x01 || l || r),
// the leaves in the order of the checkpoint's "leaves" (sorted by registration id), a tree of
// n > 1 leaves split at the largest power of two below n. The signature is Ed25519 over the
// RFC 8785 bytes of the checkpoint's data without its "signature" member.
#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace enroll {

inline constexpr int kCheckpointFormat = 1;
// The most leaves one checkpoint holds (about 150 bytes each, so well within a Kafka message);
// more heads make several checkpoints in a row.
inline constexpr std::size_t kMaxCheckpointLeaves = 2000;

// One chain head: the registration's record `seq` has `hash`.
struct CheckpointLeaf {
  std::string registration_id;
  std::int64_t seq = 0;
  std::string hash;
  bool operator==(const CheckpointLeaf&) const = default;
};

// {"hash", "registration_id", "seq"}: the leaf as the checkpoint lists it.
nlohmann::json leaf_to_json(const CheckpointLeaf& leaf);
// SHA-256(0x00 || RFC 8785 bytes of the leaf).
std::array<unsigned char, 32> leaf_hash(const CheckpointLeaf& leaf);
// The Merkle tree head of `leaves` in their order, lowercase hex (of no leaves: SHA-256 of
// nothing, as RFC 6962 has it).
std::string merkle_root_hex(const std::vector<CheckpointLeaf>& leaves);

// What a checkpoint says before it is signed.
struct Checkpoint {
  std::int32_t partition = 0;
  std::int64_t number = 0;  // 1, 2, ... per partition
  std::string prev_root;    // the root of checkpoint number - 1 of the partition ("" for 1)
  std::string at;           // RFC 3339
  std::vector<CheckpointLeaf> leaves;  // sorted by registration id, each once
};

// An Ed25519 key pair's halves, as the keyring holds them.
struct CheckpointSigningKey {
  std::string id;                         // "audit_checkpoint-<n>"
  std::span<const unsigned char> secret;  // 64 bytes (libsodium's seed || public key)
};
struct CheckpointPublicKey {
  std::string id;
  std::array<unsigned char, 32> key{};
};

// The audit.checkpoint event's data: v, partition, number, prev_root, at, leaves, root,
// key_id and signature (base64url). Throws Error(bad_key) for a key of the wrong size.
nlohmann::json sign_checkpoint(const Checkpoint& checkpoint, const CheckpointSigningKey& key);

// The checkpoint in `data`, if its form is right, its root is the tree of its leaves and its
// signature verifies under the key it names among `keys`; otherwise why not (data from an
// export is hostile: every member checked).
struct CheckedCheckpoint {
  Checkpoint checkpoint;
  std::string root;
  std::string key_id;
};
struct CheckpointRefusal {
  std::string kind;  // malformed_checkpoint, unknown_key, forged_checkpoint
  std::string why;
};
std::variant<CheckedCheckpoint, CheckpointRefusal> check_checkpoint(
    const nlohmann::json& data, std::span<const CheckpointPublicKey> keys);

// A public key file's text (base64 of the 32 bytes, as enroll-keygen writes `.pub` files).
std::optional<std::array<unsigned char, 32>> parse_checkpoint_public_key(std::string_view text);

}  // namespace enroll
