#pragma once
// The primitives of a compact binary record (the stored state's binary form, state_binary.cpp):
// LEB128 varints (signed ones zigzagged), length-prefixed strings, one-byte flags, IEEE
// doubles. The reader is for hostile bytes: every length is checked against what is left,
// a varint longer than 10 bytes or past 64 bits is refused, and every refusal is a
// RecordBytesError that names what was wrong, never the bytes (records hold personal data).
// Written by hand: Debian's msgpack-cxx conflicts with the project's Boost 1.81, and the C
// msgpack has no limits on what a declared length makes it allocate.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace enroll {

class RecordBytesError : public std::runtime_error {
 public:
  explicit RecordBytesError(const std::string& what) : std::runtime_error(what) {}
};

class RecordWriter {
 public:
  explicit RecordWriter(std::string& out) : out_(out) {}
  void byte(std::uint8_t b) { out_.push_back(static_cast<char>(b)); }
  void flag(bool b) { byte(b ? 1 : 0); }
  void unsigned_number(std::uint64_t v);
  void number(std::int64_t v);  // zigzag, so small negatives stay short
  void real(double v);          // 8 bytes, little-endian
  void text(std::string_view s) {
    unsigned_number(s.size());
    out_.append(s);
  }

 private:
  std::string& out_;
};

class RecordReader {
 public:
  explicit RecordReader(std::string_view in) : in_(in) {}
  std::uint8_t byte();
  bool flag();  // 0 or 1; anything else is refused
  std::uint64_t unsigned_number();
  std::int64_t number();
  double real();
  std::string_view text();  // a view into the input: copy what must outlive it
  // Refuses a count that the bytes left could not hold (each element takes at least
  // `min_bytes`): a declared length never makes the reader reserve more than the record.
  std::size_t count(std::size_t min_bytes);
  [[nodiscard]] bool at_end() const { return pos_ == in_.size(); }
  [[nodiscard]] std::size_t left() const { return in_.size() - pos_; }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
};

}  // namespace enroll
