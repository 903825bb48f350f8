#pragma once
// What both Boost.MSM machines' translation units share (private to statemachines/): their
// state ids, firing an event with refusal detected, and reading a state back from its id.
// Included only by the machines' .cpp files, never by a header (see README: MSM's cost).
#include <array>
#include <boost/msm/back/state_machine.hpp>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>

namespace enroll::msm_support {

template <class Machine, class State>
constexpr int state_id = boost::msm::back::get_state_id<typename Machine::stt, State>::value;

// Mixed into a machine's front-end (with `using RefusalFlag::no_transition;`): overrides MSM's
// default no_transition (an assert), because a refused event is an answer, not a bug.
struct RefusalFlag {
  template <class Fsm, class Event>
  void no_transition(const Event& /*event*/, Fsm& /*fsm*/, int /*state*/) {
    refused = true;
  }
  bool refused = false;
};

// Fires one event; false if the machine refused it: no row (the front-end's no_transition
// sets `refused`) or every guard said no (process_event's result).
template <class Machine, class Event>
bool fire(Machine& m, const Event& e) {
  m.refused = false;
  const auto handled = m.process_event(e);
  return handled == boost::msm::back::HANDLED_TRUE && !m.refused;
}

// The value that `id` (a machine's current state id) stands for in `ids`.
template <class Value, std::size_t N>
Value value_of_state(const std::array<std::pair<int, Value>, N>& ids, int id, const char* machine) {
  for (const auto& [state_id, value] : ids) {
    if (state_id == id) return value;
  }
  throw std::logic_error(std::string(machine) + ": unknown state id " + std::to_string(id));
}

}  // namespace enroll::msm_support
