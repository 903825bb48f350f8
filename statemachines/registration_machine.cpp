// The registration machine in Boost.MSM (functor front-end). This is the only translation unit
// that includes MSM for it: an MSM machine costs seconds and hundreds of MB to compile.
//
// Shape: an outer machine {Active, Locked, Incident, Issued, Rejected, Expired, Cancelled}
// whose Active state is a submachine over the six active phases with shallow history, so that
// Unlock/HandOver/Resume re-enter the phase the registration was locked or parked in. NextPhase
// from consent_confirm is an outer row Active → Issued guarded on the inner phase: the inner
// machine has no NextPhase row in consent_confirm, MSM then tries the outer rows. (An exit
// pseudo-state would need a boost::function per machine and the outer event queue, for the
// same move.)
//
// registration_transition() restores a fresh machine to `from` by replaying legal events
// from the initial state (NextPhase×k, then Lock; or the event into a terminal state),
// checks the replay landed on `from`, fires the event and reads the state back.
#include "statemachines/registration_machine.hpp"

#include <array>
#include <boost/mpl/vector.hpp>
#include <boost/msm/back/state_machine.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/state_machine_def.hpp>
#include <stdexcept>
#include <string>
#include <utility>

#include "statemachines/impl/msm_support.hpp"

namespace enroll {
namespace {

namespace msm = boost::msm;
namespace mpl = boost::mpl;
using msm::front::none;
using msm::front::Row;
using S = RegistrationState;

template <class Machine, class State>
constexpr int id_of = msm_support::state_id<Machine, State>;

// The six active phases.
struct Active_ : msm::front::state_machine_def<Active_> {
  using no_exception_thrown = int;  // no action throws: skip MSM's try/catch
  using no_message_queue = int;     // no action fires events: skip the queue

  struct Consent : msm::front::state<> {};
  struct Card : msm::front::state<> {};
  struct Review : msm::front::state<> {};
  struct Biometrics : msm::front::state<> {};
  struct Pin : msm::front::state<> {};
  struct ConsentConfirm : msm::front::state<> {};
  using initial_state = Consent;

  // clang-format off
  struct transition_table : mpl::vector<
    //  source          event               target
    Row<Consent,        reg::NextPhase,     Card>,
    Row<Card,           reg::NextPhase,     Review>,
    Row<Review,         reg::NextPhase,     Biometrics>,
    Row<Biometrics,     reg::NextPhase,     Pin>,
    Row<Pin,            reg::NextPhase,     ConsentConfirm>,
    Row<Card,           reg::PreviousPhase, Consent>,
    Row<Review,         reg::PreviousPhase, Card>,
    Row<Biometrics,     reg::PreviousPhase, Review>,
    Row<Pin,            reg::PreviousPhase, Biometrics>,
    Row<ConsentConfirm, reg::PreviousPhase, Pin>
  > {};
  // clang-format on

  // A contained machine's refusal is reported by the outer one (MSM calls no_transition
  // only on the outermost machine); this overrides the default, which asserts.
  template <class Fsm, class Event>
  void no_transition(const Event&, Fsm&, int) {}
};
// Shallow history, only for the events that return from Locked or Incident: the initial entry
// (start) still goes to consent.
using Active = msm::back::state_machine<
    Active_, msm::back::ShallowHistory<mpl::vector<reg::Unlock, reg::HandOver, reg::Resume>>>;

constexpr std::array<std::pair<int, S>, 6> kPhaseIds{{
    {id_of<Active, Active_::Consent>, S::consent},
    {id_of<Active, Active_::Card>, S::card},
    {id_of<Active, Active_::Review>, S::review},
    {id_of<Active, Active_::Biometrics>, S::biometrics},
    {id_of<Active, Active_::Pin>, S::pin},
    {id_of<Active, Active_::ConsentConfirm>, S::consent_confirm},
}};

S phase_of(const Active& active) {
  return msm_support::value_of_state(kPhaseIds, active.current_state()[0], "registration machine");
}

struct Registration_ : msm::front::state_machine_def<Registration_>, msm_support::RefusalFlag {
  using RefusalFlag::no_transition;
  using no_exception_thrown = int;
  using no_message_queue = int;

  struct Locked : msm::front::state<> {};
  struct Incident : msm::front::state<> {};
  struct Issued : msm::front::state<> {};
  struct Rejected : msm::front::state<> {};
  struct Expired : msm::front::state<> {};
  struct Cancelled : msm::front::state<> {};
  using initial_state = Active;

  // Guard: the last active phase, the only one from which NextPhase leaves Active.
  struct InLastPhase {
    template <class Event, class Fsm, class Source, class Target>
    bool operator()(const Event&, Fsm&, Source& active, Target&) const {
      return phase_of(active) == S::consent_confirm;
    }
  };
  // Action: note the phase being locked or parked (the history restores it; this reports it).
  struct RememberPhase {
    template <class Event, class Fsm, class Source, class Target>
    void operator()(const Event&, Fsm& fsm, Source& active, Target&) const {
      fsm.held_in = phase_of(active);
    }
  };

  // clang-format off
  struct transition_table : mpl::vector<
    //  source  event           target     action         guard
    Row<Active, reg::NextPhase, Issued,    none,          InLastPhase>,
    Row<Active, reg::Reject,    Rejected>,
    Row<Active, reg::Expire,    Expired>,
    Row<Active, reg::Cancel,    Cancelled>,
    Row<Active, reg::Lock,      Locked,    RememberPhase>,
    Row<Locked, reg::Unlock,    Active>,
    Row<Locked, reg::HandOver,  Active>,
    Row<Locked, reg::Reject,    Rejected>,
    Row<Locked, reg::Expire,    Expired>,
    Row<Locked, reg::Cancel,    Cancelled>,
    // No Expire nor Reject from Incident: it waits for an operator (or the citizen's cancel).
    Row<Active,   reg::Park,    Incident,  RememberPhase>,
    Row<Incident, reg::Resume,  Active>,
    Row<Incident, reg::Cancel,  Cancelled>
  > {};
  // clang-format on

  S held_in = S::consent;
};
using Registration = msm::back::state_machine<Registration_>;
using R = Registration_;

RegistrationPosition position_of(const Registration& m) {
  const int id = m.current_state()[0];
  if (id == id_of<Registration, Active>) {
    return {phase_of(m.get_state<const Active&>()), S::consent};
  }
  if (id == id_of<Registration, R::Locked>) return {S::locked, m.held_in};
  if (id == id_of<Registration, R::Incident>) return {S::incident, m.held_in};
  if (id == id_of<Registration, R::Issued>) return {S::issued, S::consent};
  if (id == id_of<Registration, R::Rejected>) return {S::rejected, S::consent};
  if (id == id_of<Registration, R::Expired>) return {S::expired, S::consent};
  if (id == id_of<Registration, R::Cancelled>) return {S::cancelled, S::consent};
  throw std::logic_error("registration machine: unknown state");
}

using msm_support::fire;

// Brings a started machine from consent to `phase` (an active phase or issued).
bool advance_to(Registration& m, S phase) {
  for (int i = 0; i < static_cast<int>(phase); ++i) {
    if (!fire(m, reg::NextPhase{})) return false;
  }
  return true;
}

// Replays legal events so that `m` (started, in consent) stands at `to`.
bool restore(Registration& m, const RegistrationPosition& to) {
  switch (to.state) {
    case S::locked:
      return advance_to(m, to.held_in) && fire(m, reg::Lock{});
    case S::incident:
      return advance_to(m, to.held_in) && fire(m, reg::Park{});
    case S::rejected:
      return fire(m, reg::Reject{});
    case S::expired:
      return fire(m, reg::Expire{});
    case S::cancelled:
      return fire(m, reg::Cancel{});
    default:  // an active phase or issued
      return advance_to(m, to.state);
  }
}

}  // namespace

std::optional<RegistrationPosition> registration_transition(const RegistrationPosition& from,
                                                            const RegistrationEvent& event) {
  // Locked or parked in something that is not an active phase: no sequence of events leads
  // there.
  const bool held = from.state == S::locked || from.state == S::incident;
  if (held && !is_active_phase(from.held_in)) return std::nullopt;
  const RegistrationPosition canonical{from.state, held ? from.held_in : S::consent};

  Registration m;  // on the stack: no shared state between calls or threads
  m.start();
  if (!restore(m, canonical) || position_of(m) != canonical) {
    throw std::logic_error("registration machine: cannot restore " +
                           std::string(to_string(from.state)));
  }
  const bool moved = std::visit([&m](const auto& e) { return fire(m, e); }, event);
  if (!moved) return std::nullopt;
  return position_of(m);
}

}  // namespace enroll
