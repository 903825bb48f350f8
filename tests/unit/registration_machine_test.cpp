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
  if (p.state == RegistrationState::locked) *os << "@" << to_string(p.locked_in);
}

namespace {

using S = RegistrationState;
using P = RegistrationPosition;

constexpr std::array<S, 6> kPhases{S::consent,    S::card, S::review,
                                   S::biometrics, S::pin,  S::consent_confirm};
constexpr std::array<S, 4> kTerminals{S::issued, S::rejected, S::expired, S::cancelled};

P at(S s) { return {s, S::consent}; }
P locked(S in) { return {S::locked, in}; }

std::vector<RegistrationEvent> all_events() {
  return {reg::NextPhase{}, reg::PreviousPhase{}, reg::Reject{}, reg::Expire{},
          reg::Cancel{},    reg::Lock{},          reg::Unlock{}, reg::HandOver{}};
}

TEST(RegistrationMachine, NamesRoundTrip) {
  const std::vector<std::pair<S, std::string>> names{
      {S::consent, "consent"}, {S::card, "card"},
      {S::review, "review"},   {S::biometrics, "biometrics"},
      {S::pin, "pin"},         {S::consent_confirm, "consent-confirm"},
      {S::issued, "issued"},   {S::rejected, "rejected"},
      {S::expired, "expired"}, {S::cancelled, "cancelled"},
      {S::locked, "locked"}};
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

TEST(RegistrationMachine, LockedRefusesEverythingElse) {
  for (S phase : kPhases) {
    EXPECT_EQ(registration_transition(locked(phase), reg::NextPhase{}), std::nullopt);
    EXPECT_EQ(registration_transition(locked(phase), reg::PreviousPhase{}), std::nullopt);
    EXPECT_EQ(registration_transition(locked(phase), reg::Lock{}), std::nullopt);
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
  for (S in : {S::issued, S::rejected, S::expired, S::cancelled, S::locked}) {
    for (const auto& e : all_events()) {
      EXPECT_EQ(registration_transition(locked(in), e), std::nullopt) << to_string(in);
    }
  }
}

TEST(RegistrationMachine, LockedInIsIgnoredOutsideLockedAndReturnedAsConsent) {
  EXPECT_EQ(registration_transition({S::card, S::pin}, reg::NextPhase{}), at(S::review));
  EXPECT_EQ(registration_transition({S::card, S::pin}, reg::Lock{}), locked(S::card));
}

// Exhaustive: every (position, event) pair against a table written out by hand.
// "-" = refused; "locked@X" = locked in phase X.
struct TableRow {
  P from;
  std::array<const char*, 8> to;  // in the order of RegistrationEvent's alternatives
};

std::optional<P> parse(const std::string& cell) {
  if (cell == "-") return std::nullopt;
  const auto at_sign = cell.find('@');
  if (at_sign != std::string::npos) {
    return locked(registration_state_from(cell.substr(at_sign + 1)).value());
  }
  return at(registration_state_from(cell).value());
}

TEST(RegistrationMachine, ExhaustiveTable) {
  // clang-format off
  const std::vector<TableRow> table{
    //  from                        NextPhase          PreviousPhase Reject      Expire     Cancel       Lock                       Unlock             HandOver
    {at(S::consent),              {"card",            "-",          "rejected", "expired", "cancelled", "locked@consent",          "-",               "-"}},
    {at(S::card),                 {"review",          "consent",    "rejected", "expired", "cancelled", "locked@card",             "-",               "-"}},
    {at(S::review),               {"biometrics",      "card",       "rejected", "expired", "cancelled", "locked@review",           "-",               "-"}},
    {at(S::biometrics),           {"pin",             "review",     "rejected", "expired", "cancelled", "locked@biometrics",       "-",               "-"}},
    {at(S::pin),                  {"consent-confirm", "biometrics", "rejected", "expired", "cancelled", "locked@pin",              "-",               "-"}},
    {at(S::consent_confirm),      {"issued",          "pin",        "rejected", "expired", "cancelled", "locked@consent-confirm",  "-",               "-"}},
    {at(S::issued),               {"-",               "-",          "-",        "-",       "-",         "-",                       "-",               "-"}},
    {at(S::rejected),             {"-",               "-",          "-",        "-",       "-",         "-",                       "-",               "-"}},
    {at(S::expired),              {"-",               "-",          "-",        "-",       "-",         "-",                       "-",               "-"}},
    {at(S::cancelled),            {"-",               "-",          "-",        "-",       "-",         "-",                       "-",               "-"}},
    {locked(S::consent),          {"-",               "-",          "rejected", "expired", "cancelled", "-",                       "consent",         "consent"}},
    {locked(S::card),             {"-",               "-",          "rejected", "expired", "cancelled", "-",                       "card",            "card"}},
    {locked(S::review),           {"-",               "-",          "rejected", "expired", "cancelled", "-",                       "review",          "review"}},
    {locked(S::biometrics),       {"-",               "-",          "rejected", "expired", "cancelled", "-",                       "biometrics",      "biometrics"}},
    {locked(S::pin),              {"-",               "-",          "rejected", "expired", "cancelled", "-",                       "pin",             "pin"}},
    {locked(S::consent_confirm),  {"-",               "-",          "rejected", "expired", "cancelled", "-",                       "consent-confirm", "consent-confirm"}},
  };
  // clang-format on
  const auto events = all_events();
  ASSERT_EQ(events.size(), 8u);
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
