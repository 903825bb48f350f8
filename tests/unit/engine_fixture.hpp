#pragma once
#include <array>
// What the engine's unit tests share: every channel definition of workflows/channels and an
// engine configuration with fixed keys and the cheapest Argon2id (these tests are about
// states, not about hashing cost).
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>

#include "adapters/codec/definition_schemas.hpp"
#include "adapters/codec/known_tasks.hpp"
#include "workflows/definition_loader.hpp"
#include "workflows/engine_config.hpp"

namespace enroll::testing {

// `files` read by the loader, as enrollmentd reads them; throws on the first problem.
inline DefinitionCatalog load_channels(const std::vector<std::filesystem::path>& files) {
  const codec::SchemaSet schemas;
  auto loaded = load_definitions(files, codec::DefinitionSchemas(schemas), codec::known_tasks());
  if (!loaded.ok()) throw std::runtime_error(loaded.errors.front().text());
  return std::move(loaded.catalog);
}

inline std::filesystem::path channels_folder() {
  return std::string(ENROLL_SOURCE_DIR) + "/workflows/channels";
}

inline void load_all_channels(DefinitionCatalog& catalog) {
  catalog = load_channels(definition_files(channels_folder()));
}

// Two versions, as after a rotation: verifiers are made with the second.
inline const crypto::Peppers& test_peppers() {
  static const std::array<unsigned char, 32> first{5}, second{6};
  static const crypto::Peppers peppers{{"passcode_pepper-1", first}, {"passcode_pepper-2", second}};
  return peppers;
}

// A key version of 32 bytes `fill`, viewing storage that lives as long as the test program.
inline crypto::KeyView test_key(const std::string& id, unsigned char fill) {
  static std::map<std::pair<std::string, unsigned char>, std::array<unsigned char, 32>> keys;
  auto& bytes = keys[{id, fill}];
  bytes.fill(fill);
  return {id, bytes};
}

// The engine's keys, 32 bytes each from `base`; the QR and citizen hash keys have two versions,
// as after a rotation (the second current).
inline void set_test_keys(EngineConfig& config, unsigned char base) {
  config.passcode_salt_key = test_key("passcode_salt-1", base);
  config.citizen_hash_keys = {test_key("citizen_hash-1", base + 10),
                              test_key("citizen_hash-2", base + 1)};
  config.qr_mac_keys = {test_key("qr_mac-1", base + 12), test_key("qr_mac-2", base + 2)};
  config.request_id_key = test_key("request_id-1", base + 3);
}

inline EngineConfig test_engine_config(const DefinitionCatalog& catalog) {
  EngineConfig config;
  config.catalog = &catalog;
  set_test_keys(config, 1);
  config.passcode_hash.opslimit = 1;
  config.passcode_hash.memlimit = 8192;  // libsodium's minimum
  config.passcode_hash.peppers = &test_peppers();
  return config;
}

}  // namespace enroll::testing
