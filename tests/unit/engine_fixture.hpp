#pragma once
// What the engine's unit tests share: every channel definition of workflows/channels and an
// engine configuration with fixed keys and the cheapest Argon2id (these tests are about
// states, not about hashing cost).
#include <filesystem>
#include <fstream>

#include "workflows/definition.hpp"
#include "workflows/engine_config.hpp"

namespace enroll::testing {

inline void load_all_channels(DefinitionCatalog& catalog) {
  const std::filesystem::path dir = std::string(ENROLL_SOURCE_DIR) + "/workflows/channels";
  for (const auto& f : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(f.path());
    catalog.add(parse_definition(nlohmann::json::parse(in)));
  }
}

inline EngineConfig test_engine_config(const DefinitionCatalog& catalog) {
  EngineConfig config;
  config.catalog = &catalog;
  config.passcode_salt_key.assign(32, 1);
  config.citizen_hash_key.assign(32, 2);
  config.qr_mac_key.assign(32, 3);
  config.passcode_hash.opslimit = 1;
  config.passcode_hash.memlimit = 8192;  // libsodium's minimum
  return config;
}

}  // namespace enroll::testing
