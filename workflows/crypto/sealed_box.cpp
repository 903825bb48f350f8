#include "workflows/crypto/sealed_box.hpp"

#include <stdexcept>
#include <string>
#include <vector>

#include "errors/errc.hpp"
#include "workflows/crypto/base64.hpp"
#include "workflows/crypto/sodium_init.hpp"

namespace enroll::crypto {

SealKeyPair generate_seal_keypair() {
  ensure_sodium();
  SealKeyPair keys{};
  if (crypto_box_keypair(keys.pub.bytes.data(), keys.secret.data()) != 0) {
    throw Error(Errc::crypto_failed, "crypto_box_keypair failed");
  }
  return keys;
}

std::string seal(std::string_view plaintext, const SealPublicKey& key) {
  ensure_sodium();
  std::vector<unsigned char> box(crypto_box_SEALBYTES + plaintext.size());
  if (crypto_box_seal(box.data(), reinterpret_cast<const unsigned char*>(plaintext.data()),
                      plaintext.size(), key.bytes.data()) != 0) {
    throw Error(Errc::crypto_failed, "crypto_box_seal failed");
  }
  return to_base64(box);
}

SealKeys seal_keys_of(const SealKeyPair& keys) {
  return {SealKeyView{"passcode_seal", keys.pub, keys.secret}};
}

std::optional<SecretString> open_sealed(std::string_view base64,
                                        std::span<const SealKeyView> keys) {
  ensure_sodium();
  const auto box = from_base64(base64);
  if (!box || box->size() < crypto_box_SEALBYTES) return std::nullopt;
  std::string plain(box->size() - crypto_box_SEALBYTES, '\0');
  for (const SealKeyView& key : keys) {
    if (key.secret.size() != crypto_box_SECRETKEYBYTES) continue;
    if (crypto_box_seal_open(reinterpret_cast<unsigned char*>(plain.data()), box->data(),
                             box->size(), key.pub.bytes.data(), key.secret.data()) == 0) {
      SecretString secret(std::move(plain));
      secure_wipe(plain);  // a short string leaves its bytes behind in the moved-from buffer
      return secret;
    }
  }
  return std::nullopt;
}

std::optional<SecretString> open_sealed(std::string_view base64, const SealKeyPair& keys) {
  return open_sealed(base64, seal_keys_of(keys));
}

namespace {

constexpr std::size_t kMaxBoundField = 128;

bool valid_field(std::string_view field) {
  return !field.empty() && field.size() <= kMaxBoundField &&
         field.find_first_of("\r\n") == std::string_view::npos;
}

}  // namespace

std::string seal_passcode(std::string_view registration, std::string_view step,
                          std::string_view passcode, const SealPublicKey& key) {
  if (!valid_field(registration) || !valid_field(step)) {
    throw Error(Errc::invalid_data,
                "a bound passcode needs a registration and a step, one line each");
  }
  std::string plain;
  plain.reserve(kBoundPasscodeHeader.size() + registration.size() + step.size() + passcode.size() +
                3);
  plain.append(kBoundPasscodeHeader).append("\n").append(registration).append("\n");
  plain.append(step).append("\n").append(passcode);
  std::string box = seal(plain, key);
  secure_wipe(plain);
  return box;
}

std::optional<BoundPasscode> open_sealed_passcode(std::string_view base64,
                                                  const SealKeyPair& keys) {
  return open_sealed_passcode(base64, seal_keys_of(keys));
}

std::optional<BoundPasscode> open_sealed_passcode(std::string_view base64,
                                                  std::span<const SealKeyView> keys) {
  const auto opened = open_sealed(base64, keys);
  if (!opened) return std::nullopt;
  std::string_view rest = opened->view();
  // The next line of `rest`, consumed; nullopt if there is no line break left.
  const auto line = [&rest]() -> std::optional<std::string_view> {
    const auto end = rest.find('\n');
    if (end == std::string_view::npos) return std::nullopt;
    const std::string_view out = rest.substr(0, end);
    rest.remove_prefix(end + 1);
    return out;
  };
  const auto header = line();
  const auto registration = line();
  const auto step = line();
  if (!header || *header != kBoundPasscodeHeader || !registration || !valid_field(*registration) ||
      !step || !valid_field(*step) || rest.empty()) {
    return std::nullopt;
  }
  return BoundPasscode{std::string(*registration), std::string(*step),
                       SecretString(std::string(rest))};
}

}  // namespace enroll::crypto
