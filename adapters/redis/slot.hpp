#pragma once
// Redis Cluster key slots: which of the 16384 slots a key belongs to, as every Redis Cluster
// node computes it (CRC16-XMODEM of the key's hash tag, or of the whole key, mod 16384).
#include <cstdint>
#include <string_view>

namespace enroll::redis {

inline constexpr int kSlotCount = 16384;

// A slot number in [0, kSlotCount).
struct Slot {
  int value = 0;
  friend bool operator==(Slot, Slot) = default;
};

// CRC16-XMODEM (polynomial 0x1021, initial value 0, no reflection): the CRC Redis Cluster
// uses. "123456789" gives 0x31C3.
std::uint16_t crc16_xmodem(std::string_view bytes);

// The part of `key` that is hashed: the text between the first '{' and the first '}' after
// it, if that text is not empty; otherwise the whole key ("{p7}:reg:x" -> "p7",
// "foo{}{bar}" -> "foo{}{bar}").
std::string_view hash_tag(std::string_view key);

// The slot of `key`: crc16_xmodem(hash_tag(key)) mod 16384.
Slot key_slot(std::string_view key);

}  // namespace enroll::redis
