#include "apps/bench/load.hpp"

#include <algorithm>
#include <iostream>

namespace enroll::bench {
namespace {

nlohmann::json parse_or_null(const std::string& text) {
  return nlohmann::json::parse(text, nullptr, false);  // discarded (not thrown) on bad JSON
}

// A message of an unexpected shape (a field of another type) is skipped, not fatal.
template <typename F>
std::vector<sim::Command> tolerant(F&& react) {
  try {
    return react();
  } catch (const nlohmann::json::exception& e) {
    std::cerr << "enroll-bench: skipped a malformed message: " << e.what() << "\n";
    return {};
  }
}

}  // namespace

void Load::send(const std::vector<sim::Command>& commands) {
  for (const auto& c : commands) {
    w_.latency.sent(c.value, Clock::now());
    w_.producer.produce(w_.topics.inbox(), c.key, c.value);
    ++sent_;
  }
}

bool Load::run(const Phase& phase, const std::atomic<bool>& stop,
               const std::function<void()>& tick) {
  const std::size_t finished_before = w_.driver.finished();
  const auto finished = [&] { return w_.driver.finished() - finished_before; };
  const auto t0 = Clock::now();
  const auto due = [&](int i) {  // open loop: when registration i starts
    return t0 + std::chrono::duration_cast<Clock::duration>(
                    std::chrono::duration<double>(i / phase.rate));
  };
  auto next_tick = t0;
  int started = 0;
  while (!stop && finished() < static_cast<std::size_t>(phase.count)) {
    auto now = Clock::now();
    if (now > phase.deadline) return false;
    auto wait = std::chrono::milliseconds(50);
    if (phase.rate > 0) {
      for (; started < phase.count && due(started) <= now; ++started) {
        send({w_.driver.start(phase.id_prefix + std::to_string(started),
                              phase.first_citizen + static_cast<std::uint64_t>(started),
                              w_.mix.next())});
      }
      if (started < phase.count) {
        wait = std::clamp(std::chrono::ceil<std::chrono::milliseconds>(due(started) - now),
                          std::chrono::milliseconds(0), wait);
      }
    } else {
      for (; started < phase.count && started - static_cast<int>(finished()) < phase.concurrency;
           ++started) {
        send({w_.driver.start(phase.id_prefix + std::to_string(started),
                              phase.first_citizen + static_cast<std::uint64_t>(started),
                              w_.mix.next())});
      }
    }
    // Requests before events: a command's task request is read before the event its result
    // causes (for the latency), and a QR token usually before qr.scan is asked.
    for (auto* reader : w_.requests) {
      for (const auto& m : reader->poll_batch(1000, std::chrono::milliseconds(0))) {
        w_.latency.requested(parse_or_null(m.value));
      }
    }
    for (const auto& m : w_.officer.poll_batch(1000, std::chrono::milliseconds(0))) {
      const auto request = parse_or_null(m.value);
      w_.latency.requested(request);
      send(tolerant([&] { return w_.driver.on_request(request); }));
    }
    const auto batch = w_.events.poll_batch(1000, wait);
    const auto arrived = Clock::now();  // not later per message: reacting takes time
    for (const auto& m : batch) {
      const auto event = parse_or_null(m.value);
      w_.latency.received(event, arrived);
      send(tolerant([&] { return w_.driver.on_event(event); }));
    }
    w_.producer.poll(0);
    now = Clock::now();
    if (now >= next_tick) {
      tick();
      next_tick = now + std::chrono::milliseconds(250);
    }
  }
  return !stop;
}

}  // namespace enroll::bench
