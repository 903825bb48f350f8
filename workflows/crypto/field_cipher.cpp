#include "workflows/crypto/field_cipher.hpp"

#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <unordered_map>

#include "workflows/crypto/base64.hpp"
#include "workflows/crypto/sodium_init.hpp"

namespace enroll::crypto {
namespace {

constexpr std::size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr char kContext[crypto_kdf_CONTEXTBYTES] = {'e', 'n', 'r', 'o', 'l', 'l', 'f', 'd'};

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

std::atomic<std::uint64_t> next_serial{0};

// The memo of seal_remembered (or seal_box_remembered) on one thread: (cipher serial, place) → the
// plaintext last sealed there and its sealed form. Bounded by clearing it whole when full (the next
// writes refill it); the plaintexts are wiped when they go.
class SealMemo {
 public:
  static constexpr std::size_t capacity = 65536;
  struct Entry {
    std::string plaintext;
    std::string sealed;
  };
  // The sealed form of `plaintext` at `place`: the one remembered if the place's last
  // plaintext was this one, else seal()'s, remembered.
  template <class Seal>
  std::string remembered(std::uint64_t serial, std::string_view place, std::string_view plaintext,
                         Seal seal) {
    Entry& e = at(serial, place);
    if (e.sealed.empty() || e.plaintext != plaintext) {
      sodium_memzero(e.plaintext.data(), e.plaintext.size());
      e.sealed = seal();
      e.plaintext.assign(plaintext);
    }
    return e.sealed;
  }
  SealMemo() = default;
  SealMemo(const SealMemo&) = delete;
  SealMemo& operator=(const SealMemo&) = delete;
  ~SealMemo() { clear(); }

 private:
  Entry& at(std::uint64_t serial, std::string_view place) {
    key_.assign(reinterpret_cast<const char*>(&serial), sizeof serial);
    key_.append(place);
    if (entries_.size() >= capacity && entries_.find(key_) == entries_.end()) clear();
    return entries_[key_];
  }
  void clear() {
    for (auto& [place, e] : entries_) sodium_memzero(e.plaintext.data(), e.plaintext.size());
    entries_.clear();
  }
  std::string key_;  // reused: no allocation per lookup
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace

FieldCipher::FieldCipher(const std::vector<FieldKey>& keys) : serial_(next_serial++) {
  ensure_sodium();
  if (keys.empty()) throw Error(Errc::bad_key, "no field key");
  for (const FieldKey& k : keys) {
    if (k.key.size() != kFieldKeyBytes) {
      throw Error(Errc::bad_key, "field key " + k.id + " is not 32 bytes");
    }
    if (k.id.empty() || k.id.find(':') != std::string::npos || k.id.size() > 255) {
      throw Error(Errc::bad_key, "a field key id is not empty, holds no ':' and fits 255 bytes");
    }
    Derived d{k.id, {}, {}};
    // Two subkeys: one for the cipher, one for the synthetic nonce.
    crypto_kdf_derive_from_key(d.cipher_key.data(), d.cipher_key.size(), 1, kContext, k.key.data());
    crypto_kdf_derive_from_key(d.nonce_key.data(), d.nonce_key.size(), 2, kContext, k.key.data());
    keys_.push_back(std::move(d));
  }
}

FieldCipher::~FieldCipher() {
  for (Derived& d : keys_) {
    sodium_memzero(d.cipher_key.data(), d.cipher_key.size());
    sodium_memzero(d.nonce_key.data(), d.nonce_key.size());
  }
}

std::string FieldCipher::seal_box(std::string_view plaintext, std::string_view place) const {
  std::string out;
  seal_box_onto(out, plaintext, place);
  return out;
}

void FieldCipher::seal_box_onto(std::string& out, std::string_view plaintext,
                                std::string_view place) const {
  const Derived& k = keys_.back();
  const std::size_t at = out.size();
  out.resize(at + kNonceBytes + plaintext.size() + kTagBytes);
  auto* const data = reinterpret_cast<unsigned char*>(out.data() + at);
  // nonce = BLAKE2b(nonce key; len(place) ‖ place ‖ plaintext), 24 bytes.
  crypto_generichash_state h;
  crypto_generichash_init(&h, k.nonce_key.data(), k.nonce_key.size(), kNonceBytes);
  const auto place_size = static_cast<std::uint64_t>(place.size());
  crypto_generichash_update(&h, reinterpret_cast<const unsigned char*>(&place_size),
                            sizeof place_size);
  crypto_generichash_update(&h, bytes(place), place.size());
  crypto_generichash_update(&h, bytes(plaintext), plaintext.size());
  crypto_generichash_final(&h, data, kNonceBytes);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(data + kNonceBytes, &written, bytes(plaintext),
                                             plaintext.size(), bytes(place), place.size(), nullptr,
                                             data, k.cipher_key.data());
  out.resize(at + kNonceBytes + static_cast<std::size_t>(written));
}

std::string FieldCipher::seal(std::string_view plaintext, std::string_view place) const {
  const std::string box = seal_box(plaintext, place);
  return std::string(kSealedFieldPrefix) + keys_.back().id + ":" +
         to_base64url(std::span(bytes(box), box.size()));
}

std::string FieldCipher::seal_binary(std::string_view plaintext, std::string_view place) const {
  const std::string& id = keys_.back().id;  // at most 255 bytes (the constructor)
  std::string out;
  out.reserve(2 + id.size() + kNonceBytes + plaintext.size() + kTagBytes);
  out.push_back(kSealedBinaryMarker);
  out.push_back(static_cast<char>(id.size()));
  out += id;
  seal_box_onto(out, plaintext, place);
  return out;
}

std::string FieldCipher::seal_remembered(std::string_view plaintext, std::string_view place) const {
  thread_local SealMemo memo;
  return memo.remembered(serial_, place, plaintext, [&] { return seal(plaintext, place); });
}

std::string FieldCipher::seal_box_remembered(std::string_view plaintext,
                                             std::string_view place) const {
  // A memo of its own: a place's sealed text and its box are different forms.
  thread_local SealMemo memo;
  return memo.remembered(serial_, place, plaintext, [&] { return seal_box(plaintext, place); });
}

std::string_view FieldCipher::key_id_of(std::string_view sealed) {
  if (sealed.starts_with(kSealedBinaryMarker)) {
    if (sealed.size() < 2) return {};
    const auto size = static_cast<unsigned char>(sealed[1]);
    return sealed.size() < 2u + size ? std::string_view{} : sealed.substr(2, size);
  }
  if (!sealed.starts_with(kSealedFieldPrefix)) return {};
  sealed.remove_prefix(kSealedFieldPrefix.size());
  const auto end = sealed.find(':');
  return end == std::string_view::npos ? std::string_view{} : sealed.substr(0, end);
}

const FieldCipher::Derived& FieldCipher::key(std::string_view id) const {
  const auto k =
      std::find_if(keys_.begin(), keys_.end(), [&](const Derived& d) { return d.id == id; });
  if (k == keys_.end()) {
    throw FieldCipherError("a field sealed with key " + std::string(id) +
                           ", which the key folder no longer holds");
  }
  return *k;
}

std::string FieldCipher::open(std::string_view sealed, std::string_view place) const {
  const std::string_view id = key_id_of(sealed);
  if (id.empty()) throw FieldCipherError("a sealed field without a key id");
  (void)key(id);  // an unknown key is named as such, whatever follows it
  if (sealed.starts_with(kSealedBinaryMarker)) {
    return open_box(id, sealed.substr(2 + id.size()), place);
  }
  const auto box = from_base64url(sealed.substr(kSealedFieldPrefix.size() + id.size() + 1));
  if (!box) throw FieldCipherError("a sealed field that is not base64url or too short");
  return open_box(id, std::string_view(reinterpret_cast<const char*>(box->data()), box->size()),
                  place);
}

std::string FieldCipher::open_box(std::string_view key_id, std::string_view box,
                                  std::string_view place) const {
  const Derived& k = key(key_id);
  if (box.size() < kNonceBytes + kTagBytes) {
    throw FieldCipherError("a sealed field that is too short");
  }
  std::string plain(box.size() - kNonceBytes - kTagBytes, '\0');
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(plain.data()), &written, nullptr,
          bytes(box) + kNonceBytes, box.size() - kNonceBytes, bytes(place), place.size(),
          bytes(box), k.cipher_key.data()) != 0) {
    throw FieldCipherError("a sealed field that does not open in its place (moved or changed)");
  }
  plain.resize(static_cast<std::size_t>(written));
  return plain;
}

}  // namespace enroll::crypto
