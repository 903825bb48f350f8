// The registration machine: put it in a position, fire one event, read where it stands.
#include "statemachines/registration_machine.hpp"

#include <gtest/gtest.h>

#include <array>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

namespace enroll {

// Readable failure messages (static: this TU's own, found by ADL).
static void PrintTo(RegistrationState s, std::ostream* os) { *os << to_string(s); }
static void PrintTo(const RegistrationPosition& p, std::ostream* os) {
  *os << to_string(p.state);
  if (p.state == RegistrationState::locked) *os << "@" << to_string(p.held_in);
  if (p.state == RegistrationState::incident) *os << "!" << to_string(p.held_in);
}

namespace {

using S = RegistrationState;
using P = RegistrationPosition;

constexpr std::array<S, 6> kPhases{S::consent,    S::card, S::review,
                                   S::biometrics, S::pin,  S::consent_confirm};
constexpr std::array<S, 4> kTerminals{S::issued, S::rejected, S::expired, S::cancelled};

P at(S s) { return {s, S::consent}; }
P locked(S in) { return {S::locked, in}; }
P parked(S in) { return {S::incident, in}; }

std::vector<RegistrationEvent> all_events() {
  return {reg::NextPhase{}, reg::PreviousPhase{}, reg::Reject{},   reg::Expire{}, reg::Cancel{},
          reg::Lock{},      reg::Unlock{},        reg::HandOver{}, reg::Park{},   reg::Resume{}};
}

TEST(RegistrationMachine, NamesRoundTrip) {
  const std::vector<std::pair<S, std::string>> names{
      {S::consent, "consent"}, {S::card, "card"},
      {S::review, "review"},   {S::biometrics, "biometrics"},
      {S::pin, "pin"},         {S::consent_confirm, "consent-confirm"},
      {S::issued, "issued"},   {S::rejected, "rejected"},
      {S::expired, "expired"}, {S::cancelled, "cancelled"},
      {S::locked, "locked"},   {S::incident, "incident"}};
  for (const auto& [s, name] : names) {
    EXPECT_EQ(to_string(s), name);
    EXPECT_EQ(registration_state_from(name), s);
  }
  EXPECT_EQ(registration_state_from("consent_confirm"), std::nullopt);
  EXPECT_EQ(registration_state_from(""), std::nullopt);
}

TEST(RegistrationMachine, Terminal) {
  for (S s : kTerminals) EXPECT_TRUE(is_terminal(s)) << to_string(s);
  for (S s : kPhases) EXPECT_FALSE(is_terminal(s)) << to_string(s);
  EXPECT_FALSE(is_terminal(S::locked));
  EXPECT_FALSE(is_terminal(S::incident));
  EXPECT_EQ(status_of(S::incident), Status::incident);
  EXPECT_EQ(status_from("incident"), Status::incident);
  EXPECT_EQ(phase_from("incident"), std::nullopt);
}

TEST(RegistrationMachine, NextPhaseWalksThePhasesToIssued) {
  EXPECT_EQ(registration_transition(at(S::consent), reg::NextPhase{}), at(S::card));
  EXPECT_EQ(registration_transition(at(S::card), reg::NextPhase{}), at(S::review));
  EXPECT_EQ(registration_transition(at(S::review), reg::NextPhase{}), at(S::biometrics));
  EXPECT_EQ(registration_transition(at(S::biometrics), reg::NextPhase{}), at(S::pin));
  EXPECT_EQ(registration_transition(at(S::pin), reg::NextPhase{}), at(S::consent_confirm));
  EXPECT_EQ(registration_transition(at(S::consent_confirm), reg::NextPhase{}), at(S::issued));
}

TEST(RegistrationMachine, PreviousPhaseStepsBackButNotFromConsent) {
  EXPECT_EQ(registration_transition(at(S::consent), reg::PreviousPhase{}), std::nullopt);
  EXPECT_EQ(registration_transition(at(S::card), reg::PreviousPhase{}), at(S::consent));
  EXPECT_EQ(registration_transition(at(S::review), reg::PreviousPhase{}), at(S::card));
  EXPECT_EQ(registration_transition(at(S::biometrics), reg::PreviousPhase{}), at(S::review));
  EXPECT_EQ(registration_transition(at(S::pin), reg::PreviousPhase{}), at(S::biometrics));
  EXPECT_EQ(registration_transition(at(S::consent_confirm), reg::PreviousPhase{}), at(S::pin));
}

TEST(RegistrationMachine, RejectExpireCancelFromEveryActivePhaseAndLocked) {
  for (S phase : kPhases) {
    for (const P& from : {at(phase), locked(phase)}) {
      EXPECT_EQ(registration_transition(from, reg::Reject{}), at(S::rejected));
      EXPECT_EQ(registration_transition(from, reg::Expire{}), at(S::expired));
      EXPECT_EQ(registration_transition(from, reg::Cancel{}), at(S::cancelled));
    }
  }
}

TEST(RegistrationMachine, LockRemembersThePhaseAndUnlockOrHandOverReturnToIt) {
  for (S phase : kPhases) {
    const auto l = registration_transition(at(phase), reg::Lock{});
    ASSERT_EQ(l, locked(phase));
    EXPECT_EQ(registration_transition(*l, reg::Unlock{}), at(phase));
    EXPECT_EQ(registration_transition(*l, reg::HandOver{}), at(phase));
  }
}

TEST(RegistrationMachine, ParkRemembersThePhaseAndResumeReturnsToIt) {
  for (S phase : kPhases) {
    const auto p = registration_transition(at(phase), reg::Park{});
    ASSERT_EQ(p, parked(phase));
    EXPECT_EQ(registration_transition(*p, reg::Resume{}), at(phase));
    // An incident waits for an operator: no expiry, no rejection; the citizen may cancel.
    EXPECT_EQ(registration_transition(*p, reg::Expire{}), std::nullopt);
    EXPECT_EQ(registration_transition(*p, reg::Reject{}), std::nullopt);
    EXPECT_EQ(registration_transition(*p, reg::Cancel{}), at(S::cancelled));
    EXPECT_EQ(registration_transition(*p, reg::Unlock{}), std::nullopt);
  }
}

TEST(RegistrationMachine, LockedRefusesEverythingElse) {
  for (S phase : kPhases) {
    EXPECT_EQ(registration_transition(locked(phase), reg::NextPhase{}), std::nullopt);
    EXPECT_EQ(registration_transition(locked(phase), reg::PreviousPhase{}), std::nullopt);
    EXPECT_EQ(registration_transition(locked(phase), reg::Lock{}), std::nullopt);
    EXPECT_EQ(registration_transition(locked(phase), reg::Park{}), std::nullopt);
    EXPECT_EQ(registration_transition(locked(phase), reg::Resume{}), std::nullopt);
  }
}

TEST(RegistrationMachine, UnlockAndHandOverRefusedWhenNotLocked) {
  for (S phase : kPhases) {
    EXPECT_EQ(registration_transition(at(phase), reg::Unlock{}), std::nullopt);
    EXPECT_EQ(registration_transition(at(phase), reg::HandOver{}), std::nullopt);
  }
}

TEST(RegistrationMachine, NothingLeavesATerminalState) {
  for (S s : kTerminals) {
    for (const auto& e : all_events()) {
      EXPECT_EQ(registration_transition(at(s), e), std::nullopt)
          << to_string(s) << " event #" << e.index();
    }
  }
}

TEST(RegistrationMachine, ImpossiblePositionsAreRefused) {
  // Locked in something that is not an active phase.
  for (S in : {S::issued, S::rejected, S::expired, S::cancelled, S::locked, S::incident}) {
    for (const auto& e : all_events()) {
      EXPECT_EQ(registration_transition(locked(in), e), std::nullopt) << to_string(in);
      EXPECT_EQ(registration_transition(parked(in), e), std::nullopt) << to_string(in);
    }
  }
}

TEST(RegistrationMachine, LockedInIsIgnoredOutsideLockedAndReturnedAsConsent) {
  EXPECT_EQ(registration_transition({S::card, S::pin}, reg::NextPhase{}), at(S::review));
  EXPECT_EQ(registration_transition({S::card, S::pin}, reg::Lock{}), locked(S::card));
}

// Exhaustive: every (position, event) pair against a table written out by hand.
// "-" = refused; "locked@X" = locked in phase X; "incident!X" = parked in phase X.
struct TableRow {
  P from;
  std::array<const char*, 10> to;  // in the order of RegistrationEvent's alternatives
};

std::optional<P> parse(const std::string& cell) {
  if (cell == "-") return std::nullopt;
  const auto bang = cell.find('!');
  if (bang != std::string::npos) {
    return parked(registration_state_from(cell.substr(bang + 1)).value());
  }
  const auto at_sign = cell.find('@');
  if (at_sign != std::string::npos) {
    return locked(registration_state_from(cell.substr(at_sign + 1)).value());
  }
  return at(registration_state_from(cell).value());
}

TEST(RegistrationMachine, ExhaustiveTable) {
  // clang-format off
  const std::vector<TableRow> table{
    //  from                        NextPhase          PreviousPhase Reject      Expire     Cancel       Lock                       Unlock             HandOver  Park  Resume
    {at(S::consent),              {"card",            "-",          "rejected", "expired", "cancelled", "locked@consent",          "-",               "-", "incident!consent", "-"}},
    {at(S::card),                 {"review",          "consent",    "rejected", "expired", "cancelled", "locked@card",             "-",               "-", "incident!card", "-"}},
    {at(S::review),               {"biometrics",      "card",       "rejected", "expired", "cancelled", "locked@review",           "-",               "-", "incident!review", "-"}},
    {at(S::biometrics),           {"pin",             "review",     "rejected", "expired", "cancelled", "locked@biometrics",       "-",               "-", "incident!biometrics", "-"}},
    {at(S::pin),                  {"consent-confirm", "biometrics", "rejected", "expired", "cancelled", "locked@pin",              "-",               "-", "incident!pin", "-"}},
    {at(S::consent_confirm),      {"issued",          "pin",        "rejected", "expired", "cancelled", "locked@consent-confirm",  "-",               "-", "incident!consent-confirm", "-"}},
    {at(S::issued),               {"-",               "-",          "-",        "-",       "-",         "-",                       "-",               "-", "-", "-"}},
    {at(S::rejected),             {"-",               "-",          "-",        "-",       "-",         "-",                       "-",               "-", "-", "-"}},
    {at(S::expired),              {"-",               "-",          "-",        "-",       "-",         "-",                       "-",               "-", "-", "-"}},
    {at(S::cancelled),            {"-",               "-",          "-",        "-",       "-",         "-",                       "-",               "-", "-", "-"}},
    {locked(S::consent),          {"-",               "-",          "rejected", "expired", "cancelled", "-",                       "consent",         "consent", "-", "-"}},
    {locked(S::card),             {"-",               "-",          "rejected", "expired", "cancelled", "-",                       "card",            "card", "-", "-"}},
    {locked(S::review),           {"-",               "-",          "rejected", "expired", "cancelled", "-",                       "review",          "review", "-", "-"}},
    {locked(S::biometrics),       {"-",               "-",          "rejected", "expired", "cancelled", "-",                       "biometrics",      "biometrics", "-", "-"}},
    {locked(S::pin),              {"-",               "-",          "rejected", "expired", "cancelled", "-",                       "pin",             "pin", "-", "-"}},
    {locked(S::consent_confirm),  {"-",               "-",          "rejected", "expired", "cancelled", "-",                       "consent-confirm", "consent-confirm", "-", "-"}},
    {parked(S::consent), {"-", "-", "-", "-", "cancelled", "-", "-", "-", "-", "consent"}},
    {parked(S::card), {"-", "-", "-", "-", "cancelled", "-", "-", "-", "-", "card"}},
    {parked(S::review), {"-", "-", "-", "-", "cancelled", "-", "-", "-", "-", "review"}},
    {parked(S::biometrics), {"-", "-", "-", "-", "cancelled", "-", "-", "-", "-", "biometrics"}},
    {parked(S::pin), {"-", "-", "-", "-", "cancelled", "-", "-", "-", "-", "pin"}},
    {parked(S::consent_confirm), {"-", "-", "-", "-", "cancelled", "-", "-", "-", "-", "consent-confirm"}},
  };
  // clang-format on
  const auto events = all_events();
  ASSERT_EQ(events.size(), 10u);
  for (const auto& row : table) {
    for (std::size_t i = 0; i < events.size(); ++i) {
      EXPECT_EQ(registration_transition(row.from, events[i]), parse(row.to[i]))
          << "from " << ::testing::PrintToString(row.from) << ", event #" << i;
    }
  }
}

TEST(RegistrationMachine, ConcurrentCallsAgree) {
  // Each call runs its own machine; threads must not disturb one another.
  std::vector<std::thread> threads;
  std::array<int, 4> wrong{};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &wrong] {
      for (int i = 0; i < 2000; ++i) {
        const S phase = kPhases[static_cast<std::size_t>((i + t) % 6)];
        if (registration_transition(locked(phase), reg::Unlock{}) != at(phase)) ++wrong[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int w : wrong) EXPECT_EQ(w, 0);
}

}  // namespace
}  // namespace enroll
