#include "workflows/audit_checkpoint.hpp"

#include <sodium.h>

#include <algorithm>

#include "errors/errc.hpp"
#include "workflows/crypto/base64.hpp"
#include "workflows/crypto/canonical_json.hpp"
#include "workflows/crypto/sodium_init.hpp"

namespace enroll {
namespace {

using Digest = std::array<unsigned char, 32>;

Digest sha256(unsigned char prefix, std::string_view a, std::string_view b = {}) {
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  crypto_hash_sha256_update(&st, &prefix, 1);
  crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(a.data()),  // NOLINT
                            a.size());
  crypto_hash_sha256_update(&st, reinterpret_cast<const unsigned char*>(b.data()),  // NOLINT
                            b.size());
  Digest out{};
  crypto_hash_sha256_final(&st, out.data());
  return out;
}

std::string_view view(const Digest& d) {
  return {reinterpret_cast<const char*>(d.data()), d.size()};  // NOLINT
}

// RFC 6962 2.1: MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])), k the largest power
// of two below n.
Digest tree_head(std::span<const Digest> leaves) {
  if (leaves.size() == 1) return leaves.front();
  std::size_t k = 1;
  while (k * 2 < leaves.size()) k *= 2;
  const auto left = tree_head(leaves.first(k));
  const auto right = tree_head(leaves.subspan(k));
  return sha256(0x01, view(left), view(right));
}

std::string hex(const Digest& d) {
  std::string out(d.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), d.data(), d.size());
  out.pop_back();  // the terminating NUL
  return out;
}

nlohmann::json unsigned_json(const Checkpoint& c, const std::string& root,
                             const std::string& key_id) {
  nlohmann::json leaves = nlohmann::json::array();
  for (const auto& l : c.leaves) leaves.push_back(leaf_to_json(l));
  return {{"v", kCheckpointFormat},
          {"partition", c.partition},
          {"number", c.number},
          {"prev_root", c.prev_root},
          {"at", c.at},
          {"leaves", std::move(leaves)},
          {"root", root},
          {"key_id", key_id}};
}

bool is_hex64(const nlohmann::json& v, bool empty_ok) {
  if (!v.is_string()) return false;
  const auto& s = v.get_ref<const std::string&>();
  if (s.empty()) return empty_ok;
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char ch) {
           return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
         });
}

bool is_short_string(const nlohmann::json& v, std::size_t max) {
  return v.is_string() && !v.get_ref<const std::string&>().empty() &&
         v.get_ref<const std::string&>().size() <= max;
}

}  // namespace

nlohmann::json leaf_to_json(const CheckpointLeaf& leaf) {
  return {{"hash", leaf.hash}, {"registration_id", leaf.registration_id}, {"seq", leaf.seq}};
}

std::array<unsigned char, 32> leaf_hash(const CheckpointLeaf& leaf) {
  crypto::ensure_sodium();
  return sha256(0x00, crypto::canonical_json(leaf_to_json(leaf)));
}

std::string merkle_root_hex(const std::vector<CheckpointLeaf>& leaves) {
  crypto::ensure_sodium();
  if (leaves.empty()) {  // RFC 6962: the hash of an empty string
    Digest d{};
    crypto_hash_sha256(d.data(), nullptr, 0);
    return hex(d);
  }
  std::vector<Digest> hashes;
  hashes.reserve(leaves.size());
  for (const auto& l : leaves) hashes.push_back(leaf_hash(l));
  return hex(tree_head(hashes));
}

nlohmann::json sign_checkpoint(const Checkpoint& checkpoint, const CheckpointSigningKey& key) {
  crypto::ensure_sodium();
  if (key.secret.size() != crypto_sign_SECRETKEYBYTES) {
    throw Error(Errc::bad_key, "the audit checkpoint key " + key.id + " is not an Ed25519 key");
  }
  auto data = unsigned_json(checkpoint, merkle_root_hex(checkpoint.leaves), key.id);
  const auto bytes = crypto::canonical_json(data);
  std::array<unsigned char, crypto_sign_BYTES> sig{};
  crypto_sign_detached(sig.data(), nullptr,
                       reinterpret_cast<const unsigned char*>(bytes.data()),  // NOLINT
                       bytes.size(), key.secret.data());
  data["signature"] = crypto::to_base64url(sig);
  return data;
}

std::variant<CheckedCheckpoint, CheckpointRefusal> check_checkpoint(
    const nlohmann::json& data, std::span<const CheckpointPublicKey> keys) {
  crypto::ensure_sodium();
  auto malformed = [](std::string why) {
    return CheckpointRefusal{"malformed_checkpoint", std::move(why)};
  };
  if (!data.is_object()) return malformed("not an object");
  for (const char* member :
       {"v", "partition", "number", "prev_root", "at", "leaves", "root", "key_id", "signature"}) {
    if (!data.contains(member)) return malformed(std::string("no ") + member);
  }
  if (data.size() != 9) return malformed("members other than a checkpoint's");
  if (data["v"] != kCheckpointFormat) return malformed("unknown format " + data["v"].dump());
  const auto& partition = data["partition"];
  const auto& number = data["number"];
  if (!partition.is_number_integer() || partition.get<std::int64_t>() < 0 ||
      partition.get<std::int64_t>() > 100000 || !number.is_number_integer() ||
      number.get<std::int64_t>() < 1) {
    return malformed("partition or number out of range");
  }
  if (!is_hex64(data["prev_root"], true) || !is_hex64(data["root"], false) ||
      !is_short_string(data["at"], 64) || !is_short_string(data["key_id"], 128) ||
      !is_short_string(data["signature"], 128) || !data["leaves"].is_array() ||
      data["leaves"].size() > kMaxCheckpointLeaves) {
    return malformed("a member of the wrong type or size");
  }
  CheckedCheckpoint out;
  out.checkpoint.partition = partition.get<std::int32_t>();
  out.checkpoint.number = number.get<std::int64_t>();
  out.checkpoint.prev_root = data["prev_root"].get<std::string>();
  out.checkpoint.at = data["at"].get<std::string>();
  out.root = data["root"].get<std::string>();
  out.key_id = data["key_id"].get<std::string>();
  for (const auto& l : data["leaves"]) {
    if (!l.is_object() || l.size() != 3 || !l.contains("registration_id") ||
        !is_short_string(l["registration_id"], 128) || !l.contains("seq") ||
        !l["seq"].is_number_integer() || l["seq"].get<std::int64_t>() < 1 || !l.contains("hash") ||
        !is_hex64(l["hash"], false)) {
      return malformed("a leaf is not {registration_id, seq, hash}");
    }
    out.checkpoint.leaves.push_back({l["registration_id"].get<std::string>(),
                                     l["seq"].get<std::int64_t>(), l["hash"].get<std::string>()});
  }
  const auto key =
      std::find_if(keys.begin(), keys.end(), [&](const auto& k) { return k.id == out.key_id; });
  if (key == keys.end()) return CheckpointRefusal{"unknown_key", "no public key " + out.key_id};
  const auto sig = crypto::from_base64url(data["signature"].get<std::string>());
  std::string bytes;
  try {
    bytes = crypto::canonical_json(data, "signature");
  } catch (const crypto::CanonicalJsonError& e) {
    return malformed(std::string("no canonical form: ") + e.what());
  }
  if (!sig || sig->size() != crypto_sign_BYTES ||
      crypto_sign_verify_detached(sig->data(),
                                  reinterpret_cast<const unsigned char*>(bytes.data()),  // NOLINT
                                  bytes.size(), key->key.data()) != 0) {
    return CheckpointRefusal{"forged_checkpoint",
                             "the signature does not verify under " + out.key_id};
  }
  if (merkle_root_hex(out.checkpoint.leaves) != out.root) {
    return CheckpointRefusal{"forged_checkpoint", "the root is not the tree of its leaves"};
  }
  return out;
}

std::optional<std::array<unsigned char, 32>> parse_checkpoint_public_key(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  const auto bytes = text.size() <= 64 ? crypto::from_base64(text) : std::nullopt;
  if (!bytes || bytes->size() != 32) return std::nullopt;
  std::array<unsigned char, 32> out{};
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return out;
}

}  // namespace enroll
