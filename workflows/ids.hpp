#pragma once
// Strong identifier types: a RegistrationId cannot be passed where an EventId is expected.
#include <compare>
#include <functional>
#include <string>
#include <utility>

namespace enroll {

template <class Tag>
class StrongId {
 public:
  StrongId() = default;
  explicit StrongId(std::string v) : value_(std::move(v)) {}
  [[nodiscard]] const std::string& str() const noexcept { return value_; }
  [[nodiscard]] bool empty() const noexcept { return value_.empty(); }
  auto operator<=>(const StrongId&) const = default;

 private:
  std::string value_;
};

using RegistrationId = StrongId<struct RegistrationIdTag>;
using EventId = StrongId<struct EventIdTag>;
using RequestId = StrongId<struct RequestIdTag>;
using ImageRef = StrongId<struct ImageRefTag>;

}  // namespace enroll

template <class Tag>
struct std::hash<enroll::StrongId<Tag>> {
  size_t operator()(const enroll::StrongId<Tag>& id) const noexcept {
    return std::hash<std::string>{}(id.str());
  }
};
