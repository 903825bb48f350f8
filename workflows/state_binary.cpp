// The stored state's binary form (issue 16): the fields of state_fields.hpp in their order,
// without names, each in the primitives of record_bytes.hpp; the personal fields gathered in
// one section, sealed once as a whole (one nonce and tag for all of them, instead of one per
// field in base64 inside the JSON form).
//
//   record   := 0xB1 version(1) personal main
//   personal := 0 (none: a tombstone) | 1 text (in the clear: no cipher) |
//               2 key-id:text box:text (sealed, bound to "<registration id>/personal")
//   main     := the core fields, then (unless purged) the live fields
//
// Values: text = varint length + UTF-8 bytes; whole numbers and times (ms) = zigzag varints;
// flags and optionals' presence = one byte 0/1; doubles = 8 bytes (finite only); enums by their
// wire names; lists of texts front-coded (each shares a prefix with the one before: event ids
// start with their registration's); counts (tries_used) as ascending names with numbers.
// Nothing is optional in the order: a record either holds every field or is refused.
#include <sodium.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "workflows/crypto/field_cipher.hpp"
#include "workflows/record_bytes.hpp"
#include "workflows/state_fields.hpp"
#include "workflows/state_reader.hpp"
#include "workflows/utf8.hpp"

namespace enroll {
namespace {

enum PersonalSection : std::uint8_t { none = 0, in_clear = 1, sealed = 2 };

// A front-coded list grows as it is read (each text may repeat the whole one before it): its
// texts together may not exceed what a record may hold, or a small record could ask for
// gigabytes.
constexpr std::size_t max_list_bytes = std::size_t{1} << 20;

std::string personal_place(const RegistrationId& id) { return id.str() + "/personal"; }

// Writes what BinaryReader reads back: a text that is not UTF-8 is refused here
// (StateEncodeError naming the field), not stored to be refused at the next load.
class BinaryWriter {
 public:
  BinaryWriter(RecordWriter& main, RecordWriter& personal) : main_(main), personal_(personal) {}

  template <class T>
  void field(const char* key, const T& value) {
    key_ = key;
    put(value);
  }
  template <class E, class Parse>
  void field(const char* key, const E& value, Parse /*parse*/) {
    key_ = key;
    main_.text(to_string(value));
  }
  void personal(const char* key, const std::string& value) {
    key_ = key;
    text(personal_, value);
  }
  void personal(const char* key, const std::optional<std::string>& value) {
    key_ = key;
    personal_.flag(value.has_value());
    if (value) text(personal_, *value);
  }
  template <class T>
  void object(const char* /*key*/, const T& value) {
    fields(value);
  }
  void fields(const Device& d) { device_fields(*this, d); }
  template <class T>
  void fields(const T& slice) {
    T::fields(*this, slice);
  }

 private:
  void text(RecordWriter& out, std::string_view v) const {
    if (!is_utf8(v)) throw StateEncodeError(std::string("field '") + key_ + "': not UTF-8");
    out.text(v);
  }
  void put(const std::string& v) { text(main_, v); }
  void put(const RegistrationId& v) { text(main_, v.str()); }
  void put(const RequestId& v) { text(main_, v.str()); }
  void put(bool v) { main_.flag(v); }
  void put(int v) { main_.number(v); }
  void put(std::int64_t v) { main_.number(v); }
  void put(Timestamp v) { main_.number(to_millis(v)); }
  void put(double v) { main_.real(v); }
  void put(const std::vector<std::string>& v) {
    main_.unsigned_number(v.size());
    std::string_view before;
    for (const auto& s : v) {
      std::size_t shared = 0;
      while (shared < s.size() && shared < before.size() && s[shared] == before[shared]) ++shared;
      if (!is_utf8(s)) throw StateEncodeError(std::string("field '") + key_ + "': not UTF-8");
      main_.unsigned_number(shared);
      main_.text(std::string_view(s).substr(shared));
      before = s;
    }
  }
  void put(const std::map<std::string, int>& v) {
    main_.unsigned_number(v.size());
    for (const auto& [name, n] : v) {
      text(main_, name);
      main_.number(n);
    }
  }
  void put(const Officer& o) { officer_fields(*this, o); }
  void put(const ConsentRecord& c) { consent_fields(*this, c); }
  void put(const Incident& i) { incident_fields(*this, i); }
  template <class T>
  void put(const std::optional<T>& v) {
    main_.flag(v.has_value());
    if (v) put(*v);
  }

  RecordWriter& main_;
  RecordWriter& personal_;
  const char* key_ = "";
};

// Reads what BinaryWriter wrote, every value checked; a refusal names the field (its path in
// the JSON form's names), never its value.
class BinaryReader {
 public:
  explicit BinaryReader(RecordReader& main) : main_(main) {}
  BinaryReader(const BinaryReader&) = delete;
  BinaryReader& operator=(const BinaryReader&) = delete;
  ~BinaryReader() { sodium_memzero(personal_bytes_.data(), personal_bytes_.size()); }
  void open_personal(std::string bytes) {
    personal_bytes_ = std::move(bytes);  // moved, not copied: one buffer to wipe
    personal_.emplace(personal_bytes_);
  }
  [[nodiscard]] bool all_read() const {
    return main_.at_end() && (!personal_ || personal_->at_end());
  }
  [[nodiscard]] std::string where() const {
    std::string out;
    for (const char* p : path_) out.append(p).push_back('.');
    return out + (key_ != nullptr ? key_ : "");
  }

  template <class T>
  void field(const char* key, T& value) {
    key_ = key;
    get(value);
  }
  template <class E>
  void field(const char* key, E& value, std::optional<E> (*parse)(std::string_view)) {
    key_ = key;
    const std::string name = text(main_);
    const auto v = parse(name);
    if (!v) throw RecordBytesError(StateReader::unknown_name(name));
    value = *v;
  }
  void personal(const char* key, std::string& value) {
    key_ = key;
    value = text(personal_reader());
  }
  void personal(const char* key, std::optional<std::string>& value) {
    key_ = key;
    RecordReader& r = personal_reader();
    value.reset();
    if (r.flag()) value = text(r);
  }
  template <class T>
  void object(const char* key, T& value) {
    path_.push_back(key);
    fields(value);
    path_.pop_back();
  }
  void fields(Device& d) { device_fields(*this, d); }
  template <class T>
  void fields(T& slice) {
    T::fields(*this, slice);
  }

 private:
  static std::string text(RecordReader& r) {
    const std::string_view s = r.text();
    if (!is_utf8(s)) throw RecordBytesError("not UTF-8");
    return std::string(s);
  }
  RecordReader& personal_reader() {
    if (!personal_) throw RecordBytesError("a personal field in a record without its section");
    return *personal_;
  }

  void get(std::string& v) { v = text(main_); }
  void get(RegistrationId& v) { v = RegistrationId(text(main_)); }
  void get(RequestId& v) { v = RequestId(text(main_)); }
  void get(bool& v) { v = main_.flag(); }
  void get(int& v) {
    const std::int64_t n = main_.number();
    if (!std::in_range<int>(n)) throw RecordBytesError("out of range");
    v = static_cast<int>(n);
  }
  void get(std::int64_t& v) { v = main_.number(); }
  void get(Timestamp& v) { v = from_millis(main_.number()); }
  void get(double& v) {
    v = main_.real();
    if (!std::isfinite(v)) throw RecordBytesError("not a finite number");
  }
  void get(std::vector<std::string>& v) {
    const std::size_t n = main_.count(2);  // a shared length and a suffix's length at least
    v.clear();
    v.reserve(n);
    std::string before;
    std::size_t total = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t shared = main_.unsigned_number();
      if (shared > before.size()) throw RecordBytesError("a shared prefix past the text before");
      const std::string_view suffix = main_.text();
      total += static_cast<std::size_t>(shared) + suffix.size();
      if (total > max_list_bytes) throw RecordBytesError("a list longer than a record may be");
      std::string s = before.substr(0, static_cast<std::size_t>(shared));
      s += suffix;
      if (!is_utf8(s)) throw RecordBytesError("not UTF-8");
      v.push_back(s);
      before = std::move(s);
    }
  }
  void get(std::map<std::string, int>& v) {
    const std::size_t n = main_.count(2);
    v.clear();
    for (std::size_t i = 0; i < n; ++i) {
      std::string name = text(main_);
      if (!v.empty() && name <= v.rbegin()->first) {
        throw RecordBytesError("names not in ascending order");
      }
      int count = 0;
      get(count);
      v.emplace_hint(v.end(), std::move(name), count);
    }
  }
  void get(Officer& o) {
    nested("officer", [&] { officer_fields(*this, o); });
  }
  void get(ConsentRecord& c) {
    nested("consent", [&] { consent_fields(*this, c); });
  }
  void get(Incident& i) {
    nested("incident", [&] { incident_fields(*this, i); });
  }
  template <class T>
  void get(std::optional<T>& v) {
    v.reset();
    if (main_.flag()) get(v.emplace());
  }
  template <class F>
  void nested(const char* key, F read) {
    path_.push_back(key);
    read();
    path_.pop_back();
  }

  RecordReader& main_;
  std::string personal_bytes_;
  std::optional<RecordReader> personal_;
  std::vector<const char*> path_;
  const char* key_ = nullptr;
};

}  // namespace

std::string state_to_record(const Registration& s, const crypto::FieldCipher* cipher) {
  std::string main;
  std::string personal;
  main.reserve(1024);
  RecordWriter main_out(main);
  RecordWriter personal_out(personal);
  BinaryWriter w(main_out, personal_out);
  core_fields(w, s);
  if (!s.purged()) live_fields(w, s);  // a tombstone's stored form: only its core

  std::string out;
  out.reserve(main.size() + personal.size() + 64);
  RecordWriter record(out);
  record.byte(binary_state_mark);
  record.byte(binary_state_version);
  if (personal.empty()) {
    record.byte(PersonalSection::none);
  } else if (cipher == nullptr) {
    record.byte(PersonalSection::in_clear);
    record.text(personal);
  } else {
    record.byte(PersonalSection::sealed);
    record.text(cipher->current_id());
    record.text(cipher->seal_box_remembered(personal, personal_place(s.id)));
  }
  out += main;
  // The personal fields in the clear go when their buffer does (as SealMemo wipes its own).
  sodium_memzero(personal.data(), personal.size());
  return out;
}

std::string state_record_sealing_key(std::string_view bytes) {
  try {
    RecordReader record(bytes);
    if (record.byte() != binary_state_mark || record.byte() != binary_state_version ||
        record.byte() != PersonalSection::sealed) {
      return "";
    }
    return std::string(record.text());
  } catch (const RecordBytesError&) {
    return "";
  }
}

Registration state_from_binary(std::string_view bytes, const crypto::FieldCipher* cipher) {
  RecordReader record(bytes);
  Registration s;
  std::optional<BinaryReader> reader;
  try {
    if (record.byte() != binary_state_mark) throw RecordBytesError("not a binary state");
    if (const std::uint8_t version = record.byte(); version != binary_state_version) {
      throw StateDecodeError("binary state format " + std::to_string(version) +
                             " is not this code's (" + std::to_string(binary_state_version) + ")");
    }
    const std::uint8_t section = record.byte();
    std::string_view in_clear;
    std::string_view key_id;
    std::string_view box;
    if (section == PersonalSection::in_clear) {
      in_clear = record.text();
    } else if (section == PersonalSection::sealed) {
      key_id = record.text();
      box = record.text();
    } else if (section != PersonalSection::none) {
      throw RecordBytesError("an unknown kind of personal section");
    }
    reader.emplace(record);
    core_fields(*reader, s);
    if (!s.purged()) {
      if (section == PersonalSection::in_clear) {
        reader->open_personal(std::string(in_clear));
      } else if (section == PersonalSection::sealed) {
        if (cipher == nullptr) {
          throw StateDecodeError("the personal fields are sealed and no field key was given");
        }
        try {
          reader->open_personal(cipher->open_box(key_id, box, personal_place(s.id)));
        } catch (const crypto::FieldCipherError& e) {
          throw StateDecodeError(std::string("the personal fields: ") + e.what());
        }
      }
      live_fields(*reader, s);
    } else if (section != PersonalSection::none) {
      throw StateDecodeError("binary state: a tombstone with personal fields");
    }
  } catch (const RecordBytesError& e) {
    const std::string where = reader ? reader->where() : "";
    throw StateDecodeError(where.empty() ? std::string("binary state: ") + e.what()
                                         : "field '" + where + "': " + e.what());
  }
  if (!reader->all_read()) throw StateDecodeError("binary state: bytes after the last field");
  if (!s.purged()) finish_decoded(s);
  return s;
}

}  // namespace enroll
