#pragma once
// Checked reads of a stored state's JSON: each field must be there with its type (a whole
// number must fit its type, an enum name must be known), else StateDecodeError naming the
// field and what is wrong, never its value (records hold personal data). nlohmann's own
// get<>() would truncate 1e40 into an int, or throw errors that quote what they read.
#include <cstdint>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "workflows/state.hpp"
#include "workflows/time.hpp"

namespace enroll {

class StateReader {
 public:
  // `j` must be an object; `path` names it in reasons ("" for the record itself).
  StateReader(const nlohmann::json& j, std::string path);

  [[nodiscard]] bool has(std::string_view key) const;  // present and not null
  [[nodiscard]] StateReader object(std::string_view key) const;
  [[nodiscard]] std::string text(std::string_view key) const;
  [[nodiscard]] std::optional<std::string> opt_text(std::string_view key) const;
  [[nodiscard]] bool flag(std::string_view key) const;
  [[nodiscard]] std::optional<double> opt_number(std::string_view key) const;
  [[nodiscard]] Timestamp time(std::string_view key) const;
  [[nodiscard]] std::optional<Timestamp> opt_time(std::string_view key) const;
  [[nodiscard]] std::vector<std::string> texts(std::string_view key) const;
  [[nodiscard]] std::map<std::string, int> counts(std::string_view key) const;
  template <class T>
  [[nodiscard]] T whole(std::string_view key) const {
    return narrow<T>(whole_number(at(key), key), key);
  }
  // An enum by its wire name, through `parse` (e.g. phase_from).
  template <class E>
  [[nodiscard]] E name(std::string_view key, std::optional<E> (*parse)(std::string_view)) const {
    const auto text_value = text(key);
    if (auto v = parse(text_value)) return *v;
    fail(key, unknown_name(text_value));
  }

  [[noreturn]] void fail(std::string_view key, const std::string& what) const;

  // "unknown name", with the name when it looks like one of ours (a-z, '_', '-'; short), so
  // that a downgrade shows which name it did not know without quoting personal data.
  static std::string unknown_name(const std::string& text);

 private:
  [[nodiscard]] const nlohmann::json& at(std::string_view key) const;
  // The value as a signed 64-bit whole number (reasons for anything else).
  [[nodiscard]] std::int64_t whole_number(const nlohmann::json& v, std::string_view key) const;
  template <class T>
  [[nodiscard]] T narrow(std::int64_t v, std::string_view key) const {
    if (!std::in_range<T>(v)) fail(key, "out of range");
    return static_cast<T>(v);
  }

  const nlohmann::json& j_;
  std::string path_;
};

}  // namespace enroll
