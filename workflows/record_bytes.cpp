#include "workflows/record_bytes.hpp"

#include <bit>
#include <cstring>

namespace enroll {

void RecordWriter::unsigned_number(std::uint64_t v) {
  while (v >= 0x80) {
    byte(static_cast<std::uint8_t>(v | 0x80));
    v >>= 7;
  }
  byte(static_cast<std::uint8_t>(v));
}

void RecordWriter::number(std::int64_t v) {
  const auto u = static_cast<std::uint64_t>(v);
  unsigned_number((u << 1) ^ (v < 0 ? ~std::uint64_t{0} : 0));
}

void RecordWriter::real(double v) {
  static_assert(std::endian::native == std::endian::little, "doubles are stored little-endian");
  char bytes[sizeof v];
  std::memcpy(bytes, &v, sizeof v);
  out_.append(bytes, sizeof v);
}

std::uint8_t RecordReader::byte() {
  if (pos_ >= in_.size()) throw RecordBytesError("ends early");
  return static_cast<std::uint8_t>(in_[pos_++]);
}

bool RecordReader::flag() {
  const std::uint8_t b = byte();
  if (b > 1) throw RecordBytesError("a flag that is neither 0 nor 1");
  return b == 1;
}

std::uint64_t RecordReader::unsigned_number() {
  std::uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    const std::uint8_t b = byte();
    const std::uint64_t bits = b & 0x7F;
    // The tenth byte holds bit 63 only; more is past 64 bits.
    if (shift == 63 && bits > 1) throw RecordBytesError("a number past 64 bits");
    v |= bits << shift;
    if ((b & 0x80) == 0) {
      // One form per number: no trailing zero groups (0x80 0x00 for 0).
      if (b == 0 && shift > 0) throw RecordBytesError("a number not in its shortest form");
      return v;
    }
  }
  throw RecordBytesError("a number past 64 bits");
}

std::int64_t RecordReader::number() {
  const std::uint64_t u = unsigned_number();
  return static_cast<std::int64_t>((u >> 1) ^ (~(u & 1) + 1));
}

double RecordReader::real() {
  if (left() < sizeof(double)) throw RecordBytesError("ends early");
  double v = 0;
  std::memcpy(&v, in_.data() + pos_, sizeof v);
  pos_ += sizeof v;
  return v;
}

std::string_view RecordReader::text() {
  const std::uint64_t n = unsigned_number();
  if (n > left()) throw RecordBytesError("a length past the end");
  const std::string_view s = in_.substr(pos_, static_cast<std::size_t>(n));
  pos_ += static_cast<std::size_t>(n);
  return s;
}

std::size_t RecordReader::count(std::size_t min_bytes) {
  const std::uint64_t n = unsigned_number();
  if (min_bytes > 0 && n > left() / min_bytes) throw RecordBytesError("a count past the end");
  return static_cast<std::size_t>(n);
}

}  // namespace enroll
