#pragma once
// The folder of secrets named by ENROLL_KEYS: one base64 file per key, written by
// enroll-keygen (generate_keys) and read once at start-up (load_keys). The inbox's trust and
// the operators' token hashes are beside them (adapters/trust/).
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "workflows/crypto/sealed_box.hpp"

namespace enroll {

struct Keys {
  crypto::SealKeyPair passcode_seal;             // passcode_seal.pub + passcode_seal.key
  std::vector<unsigned char> qr_mac_key;         // qr_mac.key
  std::vector<unsigned char> request_id_key;     // request_id.key
  std::vector<unsigned char> citizen_hash_key;   // citizen_hash.key
  std::vector<unsigned char> passcode_salt_key;  // passcode_salt.key
};

// A missing, unreadable or malformed key file; the message is one line naming the file.
class KeysError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

Keys load_keys(const std::filesystem::path& dir);

// Only the public half of the sealing key pair: all a simulator or channel back-end needs.
crypto::SealPublicKey load_seal_public_key(const std::filesystem::path& dir);

// Writes a fresh set of keys into dir (created if missing, mode 0700). Secret files get
// mode 0600. Throws KeysError, before writing anything, if a key file already exists and
// overwrite is false.
void generate_keys(const std::filesystem::path& dir, bool overwrite = false);

}  // namespace enroll
