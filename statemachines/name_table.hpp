#pragma once
// An enum's wire names as one table, read both ways. Shared by every enum whose values have
// names on the wire (life-cycle states, step states, command types, …).
#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace enroll {

template <class E, std::size_t N>
struct NameTable {
  std::array<std::pair<E, std::string_view>, N> entries;

  // "?" for a value the table lacks (a bug: each table lists its whole enum).
  [[nodiscard]] constexpr std::string_view name(E e) const {
    for (const auto& [v, n] : entries) {
      if (v == e) return n;
    }
    return "?";
  }
  [[nodiscard]] constexpr std::optional<E> value(std::string_view s) const {
    for (const auto& [v, n] : entries) {
      if (n == s) return v;
    }
    return std::nullopt;
  }
};

template <class E, std::size_t N>
NameTable(std::array<std::pair<E, std::string_view>, N>) -> NameTable<E, N>;

}  // namespace enroll
