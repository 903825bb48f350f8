#pragma once
// Personal fields sealed at rest (issue 15): the citizen ID, names, dates, card data, image
// references and the QR token of a stored registration, and the outbox's messages, are kept in
// Redis only as "enc:<key id>:<base64url(nonce ‖ ciphertext)>" (XChaCha20-Poly1305, a key of the
// key folder's `field` keyring). The associated data is the value's place (registration and
// field), so a sealed value copied into another field or registration does not open.
//
// The nonce is synthetic (SIV-like): a keyed BLAKE2b of the place and the plaintext under a key
// derived apart from the cipher's. The same value in the same place seals to the same bytes, so
// a replay writes the same records, and no nonce is ever reused for two plaintexts.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "errors/errc.hpp"
#include "workflows/crypto/key_view.hpp"

namespace enroll::crypto {

inline constexpr std::size_t kFieldKeyBytes = 32;
inline constexpr std::string_view kSealedFieldPrefix = "enc:";
// The first byte of seal_binary's form (no UTF-8 text starts with it, nor does a JSON message).
inline constexpr char kSealedBinaryMarker = '\xB3';

using FieldKey = KeyView;  // e.g. "field-2", 32 bytes

// A sealed value that does not open: an unknown key id (a retired key), a wrong place, changed
// bytes. Not retryable: the stored record is quarantined, never guessed at.
class FieldCipherError : public Error {
 public:
  explicit FieldCipherError(const std::string& message) : Error(Errc::invalid_data, message) {}
};

class FieldCipher {
 public:
  // `keys`: every version, the last the current one. Throws Error(bad_key) if there is none or
  // a key is not 32 bytes.
  explicit FieldCipher(const std::vector<FieldKey>& keys);

  // Sealed with the current key.
  [[nodiscard]] std::string seal(std::string_view plaintext, std::string_view place) const;
  // seal() as bytes rather than text, for a store that keeps any bytes (the outbox): the
  // marker, the key id's length (one byte), the key id, then nonce ‖ ciphertext ‖ tag; a
  // quarter smaller than seal()'s base64 and without its encoding. open() reads both forms.
  [[nodiscard]] std::string seal_binary(std::string_view plaintext, std::string_view place) const;
  // seal(), remembered per place on the calling thread (a bounded memo): a state is written
  // again at each of its events with mostly the same personal fields, and sealing is
  // deterministic, so an unchanged field's sealed form is the one computed before — the same
  // bytes without the hash and the cipher.
  [[nodiscard]] std::string seal_remembered(std::string_view plaintext,
                                            std::string_view place) const;
  // The plaintext of a sealed value, either form; throws FieldCipherError.
  [[nodiscard]] std::string open(std::string_view sealed, std::string_view place) const;

  // The same sealing as raw bytes (nonce ‖ ciphertext ‖ tag, with the current key: its id is
  // current_id()), for a binary record that keeps the key id apart; remembered per place like
  // seal_remembered.
  [[nodiscard]] std::string seal_box_remembered(std::string_view plaintext,
                                                std::string_view place) const;
  // The plaintext of seal_box's bytes sealed with key `key_id`; throws FieldCipherError.
  [[nodiscard]] std::string open_box(std::string_view key_id, std::string_view box,
                                     std::string_view place) const;

  // Either form (seal() or seal_binary()).
  [[nodiscard]] static bool is_sealed(std::string_view stored) {
    return stored.starts_with(kSealedFieldPrefix) || stored.starts_with(kSealedBinaryMarker);
  }
  // The key id a sealed value names ("" if it is not one): what a re-key looks for.
  [[nodiscard]] static std::string_view key_id_of(std::string_view sealed);
  [[nodiscard]] const std::string& current_id() const noexcept { return keys_.back().id; }

 private:
  struct Derived {
    std::string id;
    std::array<unsigned char, 32> cipher_key;
    std::array<unsigned char, 32> nonce_key;
  };
  [[nodiscard]] std::string seal_box(std::string_view plaintext, std::string_view place) const;
  // seal_box's bytes appended to `out` (seal_binary writes its header, then the box in place).
  void seal_box_onto(std::string& out, std::string_view plaintext, std::string_view place) const;
  // The key of that id; throws FieldCipherError if the folder no longer holds it.
  [[nodiscard]] const Derived& key(std::string_view id) const;
  std::vector<Derived> keys_;
  std::uint64_t serial_;  // this cipher among all made in the process (seal_remembered's memo)

 public:
  FieldCipher(const FieldCipher&) = delete;
  FieldCipher& operator=(const FieldCipher&) = delete;
  ~FieldCipher();
};

}  // namespace enroll::crypto
