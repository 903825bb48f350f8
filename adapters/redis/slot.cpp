#include "adapters/redis/slot.hpp"

// Boost.CRC (libboost1.81-dev, already a dependency) has the XMODEM parameters built in,
// so no CRC table is written here.
#include <boost/crc.hpp>

namespace enroll::redis {

std::uint16_t crc16_xmodem(std::string_view bytes) {
  boost::crc_xmodem_t crc;
  crc.process_bytes(bytes.data(), bytes.size());
  return crc.checksum();
}

std::string_view hash_tag(std::string_view key) {
  const auto open = key.find('{');
  if (open == std::string_view::npos) return key;
  const auto close = key.find('}', open + 1);
  if (close == std::string_view::npos || close == open + 1) return key;
  return key.substr(open + 1, close - open - 1);
}

Slot key_slot(std::string_view key) {
  return Slot{static_cast<int>(crc16_xmodem(hash_tag(key)) % kSlotCount)};
}

}  // namespace enroll::redis
