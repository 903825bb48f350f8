#pragma once
// One version of a key as the engine's crypto sees it: its id (stored beside what it made) and
// its bytes, viewed in the key folder's locked memory (adapters/keys/keyring.hpp), which
// outlives the view.
#include <span>
#include <string>

namespace enroll::crypto {

struct KeyView {
  std::string id;
  std::span<const unsigned char> key;
};

}  // namespace enroll::crypto
