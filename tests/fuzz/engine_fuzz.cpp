// Fuzz target engine_fuzz: the pure engine over sequences of inputs and clock values drawn
// from the bytes. It is the random walk of engine_random_test (tests/unit/random_walk.hpp)
// with every choice taken from the input: the channel, retention on or off, each event
// (expected and unexpected commands, good and bad results, stale results, duplicates,
// timers, cancels) and how far the clock moves before it (not at all, seconds, minutes,
// hours, days). When the bytes run out, time goes on until the registration ends (and, with
// retention, is purged).
// Fails on: an exception out of the engine, a broken invariant of a state or a transition
// (the machines' states, timers, every end releases the citizen claim), a registration that
// does not end while time goes on, an audit chain that verify_chain refuses.
#include <fuzzer/FuzzedDataProvider.h>

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/fuzz_check.hpp"
#include "tests/fuzz/fuzz_world.hpp"
#include "tests/unit/random_walk.hpp"

namespace enroll::fuzz {
namespace {

constexpr int max_events = 400;
constexpr int max_timers = 400;  // a walk's registration ends well within this many deadlines

std::chrono::milliseconds clock_step(FuzzedDataProvider& in) {
  using namespace std::chrono;
  switch (in.ConsumeIntegralInRange(0, 9)) {
    case 6:
      return seconds(in.ConsumeIntegralInRange(1, 59));
    case 7:
      return minutes(in.ConsumeIntegralInRange(1, 59));
    case 8:
      return hours(in.ConsumeIntegralInRange(1, 23));
    case 9:
      return hours(24 * in.ConsumeIntegralInRange(1, 30));
    default:
      return milliseconds(0);  // the walk moves the clock by up to 5 s per event anyway
  }
}

void check(const testing::RandomWalk& walk, const char* when) {
  if (const auto broken = walk.broken_invariant()) fail(std::string(when) + ": " + *broken);
}

}  // namespace
}  // namespace enroll::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace enroll;
  FuzzedDataProvider in(data, size);
  EngineConfig config = fuzz::world().engine;
  if (in.ConsumeBool())
    config.retain_finished = std::chrono::hours(in.ConsumeIntegralInRange(0, 72));
  const auto channels = fuzz::world().catalog.channels();
  const auto& channel = channels.at(in.ConsumeIntegralInRange<std::size_t>(0, channels.size() - 1));

  testing::RandomWalk walk(config,
                           [&in](int lo, int hi) { return in.ConsumeIntegralInRange(lo, hi); });
  walk.start_with(channel);
  fuzz::check(walk, "after the start");
  for (int i = 0; i < fuzz::max_events && in.remaining_bytes() > 0; ++i) {
    walk.advance(fuzz::clock_step(in));
    walk.step();
    fuzz::check(walk, "after an event");
  }
  // A registration whose every start was refused does not exist: nothing to end.
  const auto settled = [&walk, &config] {
    const auto& s = walk.state();
    return !s || (is_terminal(s->position.state) && (!config.retain_finished || s->purged()));
  };
  for (int i = 0; i < fuzz::max_timers && !settled(); ++i) {
    walk.cancel_incident();  // an incident waits for an operator, not for time
    walk.timer();
    fuzz::check(walk, "after a timer");
  }
  if (!settled()) {
    fuzz::fail(channel + ": the registration does not end while time goes on; stuck at " +
               walk.state()->step);
  }
  if (const auto chain = walk.audit_break()) {
    fuzz::fail("audit record " + std::to_string(chain->seq) + ": " + chain->why);
  }
  return 0;
}
