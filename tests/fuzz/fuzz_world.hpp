#pragma once
// What the fuzz targets share, built once per process: every channel definition of
// workflows/channels, the engine's configuration of the unit tests (fixed keys, the cheapest
// Argon2id), the compiled schemas, and the passcode sealing key pair from a fixed seed, so
// that the sealed passcodes of the corpus (make_corpus.cpp) open.
#include <string_view>

#include "adapters/codec/schema_set.hpp"
#include "workflows/crypto/sealed_box.hpp"
#include "workflows/definition.hpp"
#include "workflows/engine_config.hpp"

namespace enroll::fuzz {

// The bearer token of http_fuzz's operator (the corpus's requests send it), and that
// operator's id; a second operator's token is revoked.
constexpr std::string_view operator_token = "fuzz-operator-token-0123456789abcdef";
constexpr std::string_view operator_id = "op-7";
constexpr std::string_view revoked_operator_token = "fuzz-revoked-token-0123456789abcdef";
// A reader's token (role reader): the corpus's reads send it; it may not act.
constexpr std::string_view reader_token = "fuzz-reader-token-0123456789abcdef";

struct World {
  World();
  World(const World&) = delete;  // `engine` points into `catalog`
  World& operator=(const World&) = delete;

  DefinitionCatalog catalog;
  EngineConfig engine;  // refers to `catalog`
  codec::SchemaSet schemas;
  crypto::SealKeyPair seal_keys;
};

const World& world();

}  // namespace enroll::fuzz
