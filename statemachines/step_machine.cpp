// The step machine in Boost.MSM (functor front-end), alone in this translation unit (an MSM
// machine is costly to compile). One flat machine; Restart has a row from every state
// because MSM has no "any state" source short of a submachine, which would cost more.
//
// step_transition() restores a fresh machine to `from` by replaying legal events from
// awaiting_input, checks the replay landed on `from`, fires the event and reads the state back.
#include "statemachines/step_machine.hpp"

#include <array>
#include <boost/mpl/vector.hpp>
#include <boost/msm/back/state_machine.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/state_machine_def.hpp>
#include <stdexcept>
#include <string>
#include <utility>

#include "statemachines/impl/msm_support.hpp"
#include "statemachines/name_table.hpp"

namespace enroll {
namespace {

namespace msm = boost::msm;
namespace mpl = boost::mpl;
using msm::front::none;
using msm::front::Row;

struct Step_ : msm::front::state_machine_def<Step_>, msm_support::RefusalFlag {
  using RefusalFlag::no_transition;
  using no_exception_thrown = int;  // no action throws: skip MSM's try/catch
  using no_message_queue = int;     // no action fires events: skip the queue

  struct AwaitingInput : msm::front::state<> {};
  struct AwaitingConnector : msm::front::state<> {};
  struct RetryScheduled : msm::front::state<> {};
  struct Done : msm::front::state<> {};
  struct Failed : msm::front::state<> {};
  using initial_state = AwaitingInput;

  // Guards on RetryableError: the two rows below partition it, so it is never refused in
  // awaiting_connector.
  struct AttemptsLeft {
    template <class Event, class Fsm, class Source, class Target>
    bool operator()(const Event& e, Fsm&, Source&, Target&) const {
      return e.attempts_left;
    }
  };
  struct NoAttemptsLeft {
    template <class Event, class Fsm, class Source, class Target>
    bool operator()(const Event& e, Fsm&, Source&, Target&) const {
      return !e.attempts_left;
    }
  };

  // clang-format off
  struct transition_table : mpl::vector<
    //  source             event                 target             action guard
    Row<AwaitingInput,     step::TaskSent,       AwaitingConnector>,
    Row<RetryScheduled,    step::TaskSent,       AwaitingConnector>,
    Row<AwaitingInput,     step::Completed,      Done>,
    Row<AwaitingConnector, step::Completed,      Done>,
    Row<AwaitingConnector, step::RetryableError, RetryScheduled,    none,  AttemptsLeft>,
    Row<AwaitingConnector, step::RetryableError, Failed,            none,  NoAttemptsLeft>,
    Row<AwaitingInput,     step::Failed,         Failed>,
    Row<AwaitingConnector, step::Failed,         Failed>,
    Row<RetryScheduled,    step::Failed,         Failed>,
    Row<AwaitingInput,     step::Retake,         AwaitingInput>,
    Row<AwaitingConnector, step::Retake,         AwaitingInput>,
    Row<AwaitingInput,     step::Restart,        AwaitingInput>,
    Row<AwaitingConnector, step::Restart,        AwaitingInput>,
    Row<RetryScheduled,    step::Restart,        AwaitingInput>,
    Row<Done,              step::Restart,        AwaitingInput>,
    Row<Failed,            step::Restart,        AwaitingInput>
  > {};
  // clang-format on
};
using Step = msm::back::state_machine<Step_>;

template <class State>
constexpr int id_of = msm_support::state_id<Step, State>;

constexpr std::array<std::pair<int, StepState>, 5> kStateIds{{
    {id_of<Step_::AwaitingInput>, StepState::awaiting_input},
    {id_of<Step_::AwaitingConnector>, StepState::awaiting_connector},
    {id_of<Step_::RetryScheduled>, StepState::retry_scheduled},
    {id_of<Step_::Done>, StepState::done},
    {id_of<Step_::Failed>, StepState::failed},
}};

StepState state_of(const Step& m) {
  return msm_support::value_of_state(kStateIds, m.current_state()[0], "step machine");
}

using msm_support::fire;

// Replays legal events so that `m` (started, in awaiting_input) stands at `to`.
bool restore(Step& m, StepState to) {
  switch (to) {
    case StepState::awaiting_input:
      return true;
    case StepState::awaiting_connector:
      return fire(m, step::TaskSent{});
    case StepState::retry_scheduled:
      return fire(m, step::TaskSent{}) && fire(m, step::RetryableError{true});
    case StepState::done:
      return fire(m, step::Completed{});
    case StepState::failed:
      return fire(m, step::Failed{});
  }
  return false;
}

constexpr NameTable kNames{std::array<std::pair<StepState, std::string_view>, 5>{{
    {StepState::awaiting_input, "awaiting_input"},
    {StepState::awaiting_connector, "awaiting_connector"},
    {StepState::retry_scheduled, "retry_scheduled"},
    {StepState::done, "done"},
    {StepState::failed, "failed"},
}}};

}  // namespace

std::string_view to_string(StepState s) { return kNames.name(s); }

std::optional<StepState> step_state_from(std::string_view s) { return kNames.value(s); }

bool is_final(StepState s) { return s == StepState::done || s == StepState::failed; }

std::optional<StepState> step_transition(StepState from, const StepEvent& event) {
  Step m;  // on the stack: no shared state between calls or threads
  m.start();
  if (!restore(m, from) || state_of(m) != from) {
    throw std::logic_error("step machine: cannot restore " + std::string(to_string(from)));
  }
  const bool moved = std::visit([&m](const auto& e) { return fire(m, e); }, event);
  if (!moved) return std::nullopt;
  return state_of(m);
}

}  // namespace enroll
