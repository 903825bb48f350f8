#include "workflows/captured.hpp"

#include "statemachines/name_table.hpp"

namespace enroll {
namespace {

// Calls f(slice's member) for `s`; one switch, so that clear and changed_since agree.
template <class C, class F>
void with_slice(C& c, Slice s, F&& f) {
  switch (s) {
    case Slice::terms:
      return f(c.terms);
    case Slice::confirmation:
      return f(c.confirmation);
    case Slice::card_front:
      return f(c.card_front);
    case Slice::card_back:
      return f(c.card_back);
    case Slice::selfie:
      return f(c.selfie);
    case Slice::face:
      return f(c.face);
    case Slice::fingerprint:
      return f(c.fingerprint);
    case Slice::qr:
      return f(c.qr);
    case Slice::passcode:
      return f(c.passcode);
    case Slice::identity:
      return f(c.identity);
  }
}

constexpr NameTable kSliceNames{std::array<std::pair<Slice, std::string_view>, 10>{{
    {Slice::terms, "terms"},
    {Slice::confirmation, "confirmation"},
    {Slice::card_front, "card_front"},
    {Slice::card_back, "card_back"},
    {Slice::selfie, "selfie"},
    {Slice::face, "face"},
    {Slice::fingerprint, "fingerprint"},
    {Slice::qr, "qr"},
    {Slice::passcode, "passcode"},
    {Slice::identity, "identity"},
}}};

}  // namespace

std::string_view to_string(Slice s) { return kSliceNames.name(s); }

void Captured::clear(Slice s) {
  with_slice(*this, s, [](auto& slice) { slice = std::remove_reference_t<decltype(slice)>{}; });
}

std::vector<Slice> Captured::changed_since(const Captured& before) const {
  std::vector<Slice> changed;
  for (const Slice s : kAllSlices) {
    bool differs = false;
    with_slice(*this, s, [&](const auto& now) {
      with_slice(before, s, [&](const auto& then) {
        if constexpr (std::is_same_v<decltype(now), decltype(then)>) differs = !(now == then);
      });
    });
    if (differs) changed.push_back(s);
  }
  return changed;
}

}  // namespace enroll
