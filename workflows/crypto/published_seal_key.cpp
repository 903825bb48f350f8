#include "workflows/crypto/published_seal_key.hpp"

#include <nlohmann/json.hpp>

#include "errors/errc.hpp"
#include "workflows/crypto/base64.hpp"
#include "workflows/crypto/sodium_init.hpp"

namespace enroll::crypto {
namespace {

constexpr std::string_view kContext = "enroll passcode sealing key v1";
constexpr std::size_t kMaxField = 4096;

[[noreturn]] void refuse(const std::string& why) {
  throw Error(Errc::bad_signature, "the published passcode sealing key: " + why);
}

std::string field(const nlohmann::json& body, const char* name) {
  if (!body.is_object() || !body.contains(name) || !body[name].is_string()) {
    refuse(std::string("no \"") + name + "\" (an unsigned key is refused)");
  }
  auto text = body[name].get<std::string>();
  if (text.size() > kMaxField) refuse(std::string("\"") + name + "\" is too long");
  return text;
}

template <std::size_t N>
std::array<unsigned char, N> decoded(const nlohmann::json& body, const char* name) {
  const auto bytes = from_base64(field(body, name));
  if (!bytes || bytes->size() != N) {
    refuse(std::string("\"") + name + "\" is not " + std::to_string(N) + " bytes of base64");
  }
  std::array<unsigned char, N> out{};
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return out;
}

}  // namespace

std::vector<unsigned char> seal_key_statement(std::string_view key_id, const SealPublicKey& key) {
  std::vector<unsigned char> out(kContext.begin(), kContext.end());
  out.push_back(0);
  out.insert(out.end(), key_id.begin(), key_id.end());
  out.push_back(0);
  out.insert(out.end(), key.bytes.begin(), key.bytes.end());
  return out;
}

nlohmann::json publish_seal_key(std::string_view key_id, const SealPublicKey& key,
                                std::string_view publisher_id,
                                std::span<const unsigned char> publisher_secret) {
  ensure_sodium();
  if (publisher_secret.size() != crypto_sign_SECRETKEYBYTES) {
    throw Error(Errc::bad_setting, "a seal_publisher key must be an Ed25519 secret key");
  }
  const auto statement = seal_key_statement(key_id, key);
  std::array<unsigned char, crypto_sign_BYTES> signature{};
  crypto_sign_detached(signature.data(), nullptr, statement.data(), statement.size(),
                       publisher_secret.data());
  return {{"algorithm", kSealKeyAlgorithm},
          {"key_id", key_id},
          {"public_key", to_base64(key.bytes)},
          {"signed_by", publisher_id},
          {"signature", to_base64(signature)}};
}

SealPublicKey verify_published_seal_key(const nlohmann::json& body, const PublisherKeys& trusted) {
  ensure_sodium();
  const std::string key_id = field(body, "key_id");
  const SealPublicKey key{decoded<crypto_box_PUBLICKEYBYTES>(body, "public_key")};
  const std::string signed_by = field(body, "signed_by");
  const auto signature = decoded<crypto_sign_BYTES>(body, "signature");
  const auto publisher = trusted.find(signed_by);
  if (publisher == trusted.end()) {
    refuse("signed by '" + signed_by.substr(0, 64) + "', not a publisher key given to us");
  }
  const auto statement = seal_key_statement(key_id, key);
  if (crypto_sign_verify_detached(signature.data(), statement.data(), statement.size(),
                                  publisher->second.data()) != 0) {
    refuse("the signature of '" + signed_by + "' does not verify (a key not from enrollmentd)");
  }
  return key;
}

}  // namespace enroll::crypto
