#include "tests/fuzz/fuzz_world.hpp"

#include <sodium.h>

#include <array>
#include <cstdlib>

#include "tests/unit/engine_fixture.hpp"
#include "workflows/crypto/sodium_init.hpp"

namespace enroll::fuzz {

World::World() : seal_keys{} {
  testing::load_all_channels(catalog);
  engine = testing::test_engine_config(catalog);
  crypto::ensure_sodium();
  std::array<unsigned char, crypto_box_SEEDBYTES> seed{};
  seed.fill(42);
  if (crypto_box_seed_keypair(seal_keys.pub.bytes.data(), seal_keys.secret.data(), seed.data()) !=
      0) {
    std::abort();
  }
}

const World& world() {
  static const World w;
  return w;
}

}  // namespace enroll::fuzz
