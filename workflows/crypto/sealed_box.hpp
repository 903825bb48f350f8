#pragma once
// Passcodes travel sealed to the orchestrator's public key (libsodium sealed box), so only
// the orchestrator can read them.
#include <sodium.h>

#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "workflows/secret.hpp"

namespace enroll::crypto {

struct SealPublicKey {
  std::array<unsigned char, crypto_box_PUBLICKEYBYTES> bytes;
};

struct SealKeyPair {
  SealPublicKey pub;
  std::array<unsigned char, crypto_box_SECRETKEYBYTES> secret;
};

// One version of the orchestrator's sealing key: its id ("passcode_seal-<n>", published with
// the public half), the public half, and the secret viewed in the key folder's locked memory
// (which outlives the view).
struct SealKeyView {
  std::string id;
  SealPublicKey pub;
  std::span<const unsigned char> secret;  // crypto_box_SECRETKEYBYTES
};
// Every version kept, the current one first: a box is opened with each in turn (a sealed box
// names no key; a back-end may still seal to the version before a rotation).
using SealKeys = std::vector<SealKeyView>;

SealKeyPair generate_seal_keypair();
// A pair as the one version of SealKeys (tests, tools); views `keys`, which must outlive it.
SealKeys seal_keys_of(const SealKeyPair& keys);

// Base64 of crypto_box_seal(plaintext); what a channel back-end (or a simulator) sends.
std::string seal(std::string_view plaintext, const SealPublicKey& key);

// nullopt if the text is not base64 or the box opens with none of the versions.
std::optional<SecretString> open_sealed(std::string_view base64, std::span<const SealKeyView> keys);
std::optional<SecretString> open_sealed(std::string_view base64, const SealKeyPair& keys);

// A passcode bound to the registration and step it was typed for. A channel back-end seals
// "enroll-passcode-v1\n<registration>\n<step>\n<passcode>", so a box copied from the log (the
// inbox keeps it for days) cannot be replayed into another registration or another step: the
// decoder refuses another registration, the step kind another step.
struct BoundPasscode {
  std::string registration;
  std::string step;
  SecretString passcode;
};
inline constexpr std::string_view kBoundPasscodeHeader = "enroll-passcode-v1";

// Base64 of the sealed, bound plaintext. Throws Error(invalid_data) if the registration or the
// step is empty or holds a line break.
std::string seal_passcode(std::string_view registration, std::string_view step,
                          std::string_view passcode, const SealPublicKey& key);

// nullopt if the box does not open (open_sealed) or its plaintext is not a bound passcode
// (another header, a missing or empty field, a field over 128 bytes).
std::optional<BoundPasscode> open_sealed_passcode(std::string_view base64,
                                                  std::span<const SealKeyView> keys);
std::optional<BoundPasscode> open_sealed_passcode(std::string_view base64, const SealKeyPair& keys);

}  // namespace enroll::crypto
